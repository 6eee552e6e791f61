using Akka.Actor;

namespace Orchestrator.Node.Configuration;

/// <summary>
/// Where the node's Akka.Remote endpoint listens and which seed nodes it joins; section <c>Cluster</c>
/// (<c>Cluster:Port=4054</c>, <c>Cluster__SeedNodes__0=akka.tcp://orchestrator@127.0.0.1:4053</c>, ...).
/// </summary>
public sealed class ClusterSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cluster";

    /// <summary>The default remoting port.</summary>
    public const int DefaultPort = 4053;

    /// <summary>The host name or IP address remoting binds to. Default 127.0.0.1.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>The remoting port; 0 picks a free one. Default 4053.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>The host name other nodes reach this one by, when it differs from <see cref="Hostname"/> (NAT, containers). Default: none.</summary>
    public string? PublicHostname { get; set; }

    /// <summary>
    /// Addresses of the seed nodes, like <c>akka.tcp://orchestrator@127.0.0.1:4053</c>. Empty, and no
    /// <see cref="Bootstrap"/>: the node joins itself (a one-node cluster). List at least two seeds on every node:
    /// a restarted first seed that reaches none of the others forms a cluster of its own. <see cref="Bootstrap"/>
    /// has no such case.
    /// </summary>
    public List<string> SeedNodes { get; set; } = [];

    /// <summary>
    /// How long the membership must stay unchanged, with some node unreachable, before the split brain resolver
    /// (keep-majority) downs the unreachable side. Default 20 s.
    /// </summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a node may try to join its cluster before it gives up and stops with exit code 3
    /// (<c>NodeExit.RemovedByCluster</c>), so that its restart policy starts it afresh, with new connections. Counted
    /// from the moment it starts joining: at start with <see cref="SeedNodes"/>; once Cluster Bootstrap has found the
    /// cluster with <see cref="Bootstrap"/>. A restarted node normally rejoins within about 20 s; this ends the rare
    /// join whose answers never arrive (docs/cluster.md, "A restarted node that cannot rejoin"). 0 never gives up.
    /// Default 60 s.
    /// </summary>
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The node's cluster roles. Default: none.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Cluster formation by Akka.Management's Cluster Bootstrap (instead of <see cref="SeedNodes"/>); section <c>Cluster:Bootstrap</c>.</summary>
    public BootstrapSettings Bootstrap { get; set; } = new();

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting; <paramref name="systemName"/> is the actor system's name seed nodes must carry.</summary>
    public void Validate(string systemName, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Hostname))
            errors.Add($"{SectionName}:Hostname must name a host or an IP address to bind remoting to; it is empty.");
        if (Port is < 0 or > 65535)
            errors.Add($"{SectionName}:Port must be between 0 (any free port) and 65535, not {Port}.");
        if (PublicHostname is { } p && string.IsNullOrWhiteSpace(p))
            errors.Add($"{SectionName}:PublicHostname must not be blank; leave it out to use {SectionName}:Hostname.");
        for (var i = 0; i < SeedNodes.Count; i++)
        {
            var seed = SeedNodes[i];
            var key = $"{SectionName}:SeedNodes:{i}";
            if (!TryParse(seed, out var address))
                errors.Add($"{key}: '{seed}' is not an Akka address like akka.tcp://{systemName}@127.0.0.1:{DefaultPort}.");
            else if (address.System != systemName)
                errors.Add($"{key}: '{seed}' names the actor system '{address.System}'; this node's system is '{systemName}', so it could never join.");
            else if (address.Host is null || address.Port is not (> 0 and <= 65535))
                errors.Add($"{key}: '{seed}' needs a host and a port between 1 and 65535.");
        }
        if (StableAfter < TimeSpan.FromSeconds(1) || StableAfter > TimeSpan.FromHours(1))
            errors.Add($"{SectionName}:StableAfter must be between 1 second and 1 hour, not {StableAfter}.");
        if (JoinTimeout != TimeSpan.Zero && (JoinTimeout < TimeSpan.FromSeconds(5) || JoinTimeout > TimeSpan.FromHours(1)))
            errors.Add($"{SectionName}:JoinTimeout must be 0 (never give up) or between 5 seconds and 1 hour, not {JoinTimeout}.");
        for (var i = 0; i < Roles.Count; i++)
            if (string.IsNullOrWhiteSpace(Roles[i])) errors.Add($"{SectionName}:Roles:{i} is empty.");
        Bootstrap.Validate(SeedNodes, errors);
        if (Bootstrap.Enabled && PublicHostname is null && Hostname.Trim() is "0.0.0.0" or "::" or "[::]")
            errors.Add($"{SectionName}:PublicHostname must name the host other nodes reach this one by: {SectionName}:Hostname is {Hostname} (any address), and Cluster Bootstrap hands this node's address to the others.");
    }

    private static bool TryParse(string? text, out Address address)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        try
        {
            address = Address.Parse(text);
            return address.Protocol.StartsWith("akka", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return false;
        }
    }
}
