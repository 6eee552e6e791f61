namespace Orchestrator.Node.Configuration;

/// <summary>How a node finds its cluster; <c>Cluster:Bootstrap:Discovery</c>.</summary>
public enum DiscoveryMethod
{
    /// <summary>No Cluster Bootstrap: the node joins <c>Cluster:SeedNodes</c>, or itself when none are listed.</summary>
    None,

    /// <summary>Cluster Bootstrap with a fixed list of contact points (<c>Cluster:Bootstrap:ContactPoints</c>): compose, by-hand clusters.</summary>
    Config,

    /// <summary>Cluster Bootstrap with the pods the Kubernetes API lists under <c>Cluster:Bootstrap:PodLabelSelector</c>.</summary>
    Kubernetes,
}

/// <summary>
/// Cluster formation with Akka.Management's Cluster Bootstrap; section <c>Cluster:Bootstrap</c>. Every node serves
/// its membership on a small management HTTP endpoint (<see cref="ManagementPort"/>, read only). A starting node
/// asks every contact point: when any of them is a member of a cluster, it joins that cluster, so a restarted node,
/// seed or not, never forms a second one while others are up. Only when every contact point answers, none is in a
/// cluster, at least <see cref="RequiredContactPoints"/> of them agree and the list has not changed for
/// <see cref="StableMargin"/>, the contact point with the lowest address forms a new cluster and the others join it.
/// </summary>
public sealed class BootstrapSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = ClusterSettings.SectionName + ":Bootstrap";

    /// <summary>The default management port.</summary>
    public const int DefaultManagementPort = 8558;

    /// <summary>How contact points are found. Default <see cref="DiscoveryMethod.None"/> (seed nodes).</summary>
    public DiscoveryMethod Discovery { get; set; } = DiscoveryMethod.None;

    /// <summary>
    /// The management endpoints of the nodes that may form the cluster, as <c>host:port</c> (<c>node1:8558</c>,
    /// <c>127.0.0.1:8559</c>); <see cref="DiscoveryMethod.Config"/> only. List the same nodes, in any order, on every
    /// node; a node may join without being listed, but only a listed node can form a new cluster.
    /// </summary>
    public List<string> ContactPoints { get; set; } = [];

    /// <summary>
    /// How many contact points must answer, none of them in a cluster, before a new cluster forms. Default: all the
    /// listed <see cref="ContactPoints"/> (Config), 3 (Kubernetes: set it to the number of replicas).
    /// </summary>
    public int? RequiredContactPoints { get; set; }

    /// <summary>How long the discovered contact points must stay the same before a new cluster may form. Default 5 s.</summary>
    public TimeSpan StableMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The port of this node's management endpoint (bound on <c>Cluster:Hostname</c>). Default 8558.</summary>
    public int ManagementPort { get; set; } = DefaultManagementPort;

    /// <summary>The name looked up in discovery (Kubernetes: fills <c>{0}</c> of <see cref="PodLabelSelector"/>). Default <c>orchestrator</c>.</summary>
    public string ServiceName { get; set; } = "orchestrator";

    /// <summary>Kubernetes only: the label selector of the cluster's pods. Default <c>app={0}</c> (<c>{0}</c> is <see cref="ServiceName"/>).</summary>
    public string PodLabelSelector { get; set; } = "app={0}";

    /// <summary>Kubernetes only: the namespace of the pods. Default: the pod's own (read from the service account).</summary>
    public string? PodNamespace { get; set; }

    /// <summary>Kubernetes only: the name of the container port that serves management. Default <c>management</c>.</summary>
    public string PortName { get; set; } = "management";

    /// <summary>Whether Cluster Bootstrap forms the cluster.</summary>
    public bool Enabled => Discovery != DiscoveryMethod.None;

    /// <summary>The number of contact points that must agree before a new cluster forms, defaults applied.</summary>
    public int EffectiveRequiredContactPoints => RequiredContactPoints ?? (Discovery == DiscoveryMethod.Config ? ContactPoints.Count : 3);

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting; <paramref name="seedNodes"/> are <c>Cluster:SeedNodes</c>.</summary>
    public void Validate(IReadOnlyList<string> seedNodes, List<string> errors)
    {
        if (!Enum.IsDefined(Discovery))
            errors.Add($"{SectionName}:Discovery must be None, Config or Kubernetes, not '{Discovery}'.");
        if (!Enabled)
        {
            if (ContactPoints.Count > 0)
                errors.Add($"{SectionName}:ContactPoints are listed but {SectionName}:Discovery is None: set it to Config to use them.");
            return;
        }
        if (seedNodes.Count > 0)
            errors.Add($"{ClusterSettings.SectionName}:SeedNodes and {SectionName}:Discovery={Discovery} both say how to join: keep one of them.");
        if (ManagementPort is < 1 or > 65535)
            errors.Add($"{SectionName}:ManagementPort must be between 1 and 65535, not {ManagementPort}.");
        if (StableMargin < TimeSpan.Zero || StableMargin > TimeSpan.FromMinutes(10))
            errors.Add($"{SectionName}:StableMargin must be between 0 and 10 minutes, not {StableMargin}.");
        if (string.IsNullOrWhiteSpace(ServiceName))
            errors.Add($"{SectionName}:ServiceName is empty.");

        if (Discovery == DiscoveryMethod.Config)
        {
            if (ContactPoints.Count == 0)
                errors.Add($"{SectionName}:ContactPoints must list the management endpoints (host:port) of the nodes that may form the cluster; it is empty.");
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < ContactPoints.Count; i++)
            {
                var key = $"{SectionName}:ContactPoints:{i}";
                if (!TryParseContactPoint(ContactPoints[i], out _, out _))
                    errors.Add($"{key}: '{ContactPoints[i]}' is not host:port with a port between 1 and 65535 (like node1:{DefaultManagementPort}).");
                else if (!seen.Add(ContactPoints[i].Trim()))
                    errors.Add($"{key}: '{ContactPoints[i]}' is listed twice.");
            }
        }
        else if (Discovery == DiscoveryMethod.Kubernetes)
        {
            if (string.IsNullOrWhiteSpace(PodLabelSelector))
                errors.Add($"{SectionName}:PodLabelSelector is empty.");
            if (string.IsNullOrWhiteSpace(PortName))
                errors.Add($"{SectionName}:PortName is empty: name the container port that serves management.");
            if (PodNamespace is { } ns && string.IsNullOrWhiteSpace(ns))
                errors.Add($"{SectionName}:PodNamespace must not be blank; leave it out to use the pod's own namespace.");
        }

        var upper = Discovery == DiscoveryMethod.Config ? Math.Max(ContactPoints.Count, 1) : int.MaxValue;
        if (RequiredContactPoints is { } required && (required < 1 || required > upper))
            errors.Add(Discovery == DiscoveryMethod.Config
                ? $"{SectionName}:RequiredContactPoints must be between 1 and the {ContactPoints.Count} listed contact points, not {required}."
                : $"{SectionName}:RequiredContactPoints must be at least 1, not {required}.");
    }

    /// <summary>Splits <c>host:port</c> (an IPv6 host in brackets).</summary>
    public static bool TryParseContactPoint(string? text, out string host, out int port)
    {
        host = "";
        port = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        host = text[..colon];
        if (host.StartsWith('[') != host.EndsWith(']')) return false;
        if (host.Contains(' ') || host.Contains('/')) return false;
        return int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
               && port is >= 1 and <= 65535;
    }
}
