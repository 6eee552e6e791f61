using Orchestrator.Contracts;
using Orchestrator.Node.Configuration;

namespace Orchestrator.Node.Tests;

/// <summary>The node refuses bad settings before anything starts, naming each one.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("--Orchestrator:Dependencies:payments:Timeout=-00:00:01", "Orchestrator:Dependencies:payments:Timeout")]
    [InlineData("--Orchestrator:Dependencies:inventory:Bulkhead:MaxConcurrency=-3", "Orchestrator:Dependencies:inventory:Bulkhead:MaxConcurrency")]
    [InlineData("--Orchestrator:Dependencies:reviews:Breaker:FailureRatio=1.5", "Orchestrator:Dependencies:reviews:Breaker:FailureRatio")]
    [InlineData("--Orchestrator:Dependencies:payments:Timout=00:00:01", "Orchestrator:Dependencies:payments:Timout is not a setting of a dependency; did you mean Timeout? Known: Timeout, ")]
    [InlineData("--Orchestrator:Dependencies:payments:Timeout=soon", "Orchestrator:Dependencies:payments:Timeout: 'soon' is not a valid TimeSpan (e.g. 00:00:02).")]
    [InlineData("--Orchestrator:Dependency:payments:Timeout=00:00:01", "Orchestrator:Dependency is not a setting of Orchestrator; did you mean Dependencies?")]
    [InlineData("--Orchestrator:Cluster:ShareStres=true", "Orchestrator:Cluster:ShareStres is not a setting of Orchestrator:Cluster; did you mean ShareStress?")]
    [InlineData("--Orchestrator:Cluster:ShareStress=maybe", "Orchestrator:Cluster:ShareStress: 'maybe' is not a valid bool (true or false).")]
    [InlineData("--Orchestrator:Cluster:GossipInterval=00:00:00", "Orchestrator:Cluster:GossipInterval must be between 10 ms and 1 minute, not 00:00:00.")]
    [InlineData("--Orchestrator:WriteQueue:MaxAttemps=3", "Orchestrator:WriteQueue:MaxAttemps is not a setting of Orchestrator:WriteQueue; did you mean MaxAttempts?")]
    [InlineData("--Orchestrator:WriteQueue:MaxAttempts=lots", "Orchestrator:WriteQueue:MaxAttempts: 'lots' is not a valid int (a whole number, e.g. 10).")]
    [InlineData("--Orchestrator:WriteQueue:MaxAttempts=0", "Orchestrator:WriteQueue:MaxAttempts must be between 1 and 1000, not 0.")]
    [InlineData("--Orchestrator:Dependencies:profile:Replica=nope", "Orchestrator:Dependencies:profile:Replica")]
    [InlineData("--Orchestrator:Dependencies:profile:Retry:MaxAttempts=0", "Orchestrator:Dependencies:profile:Retry:MaxAttempts")]
    [InlineData("--Orchestrator:Dependencies:recommendations:Cache:MaxEntries=0", "Orchestrator:Dependencies:recommendations:Cache:MaxEntries")]
    public void Bad_orchestrator_settings_are_refused_naming_the_setting(string arg, string named)
    {
        var e = Assert.Throws<OrchestratorOptionsException>(() => NodeHost.Build(NodeFixture.Args(arg)));
        Assert.Contains(named, e.Message);
    }

    [Theory]
    [InlineData("--Cluster:Port=70000", "Cluster:Port")]
    [InlineData("--Cluster:Port=-1", "Cluster:Port")]
    [InlineData("--Cluster:Port=abc", "Cluster:Port: 'abc' is not a valid int (a whole number, e.g. 10).")]
    [InlineData("--Cluster:Hostname= ", "Cluster:Hostname")]
    [InlineData("--Cluster:SeedNodes:0=not-an-address", "Cluster:SeedNodes:0")]
    [InlineData("--Cluster:SeedNodes:0=akka.tcp://other@127.0.0.1:4053", "Cluster:SeedNodes:0")]
    [InlineData("--Cluster:Prot=4054", "Cluster:Prot is not a setting of Cluster; did you mean Port? Known: Hostname, Port, PublicHostname, SeedNodes, StableAfter, JoinTimeout, Roles, Bootstrap.")]
    [InlineData("--Cluster:JoinTimeout=00:00:02", "Cluster:JoinTimeout must be 0 (never give up) or between 5 seconds and 1 hour, not 00:00:02.")]
    [InlineData("--Cluster:JoinTimeout=-00:00:10", "Cluster:JoinTimeout must be 0 (never give up) or between 5 seconds and 1 hour, not -00:00:10.")]
    [InlineData("--Cluster:Bootstrap:Discovery=Dns", "Cluster:Bootstrap:Discovery: 'Dns' is not a valid DiscoveryMethod (one of None, Config, Kubernetes).")]
    [InlineData("--Cluster:Bootstrap:Enabled=false", "Cluster:Bootstrap:Enabled cannot be set: it is worked out from the other settings of Cluster:Bootstrap (read only). Known: Discovery, ")]
    [InlineData("--Cluster:Bootstrap:Discovery=Config", "Cluster:Bootstrap:ContactPoints")]
    [InlineData("--Cluster:Bootstrap:ContactPoints:0=127.0.0.1:8558", "Cluster:Bootstrap:Discovery")]
    [InlineData("--Cluster:Bootstrap:Discovery=Config --Cluster:Bootstrap:ContactPoints:0=node1", "Cluster:Bootstrap:ContactPoints:0")]
    [InlineData("--Cluster:Bootstrap:Discovery=Config --Cluster:Bootstrap:ContactPoints:0=node1:99999", "Cluster:Bootstrap:ContactPoints:0")]
    [InlineData("--Cluster:Bootstrap:Discovery=Config --Cluster:Bootstrap:ContactPoints:0=node1:8558 --Cluster:Bootstrap:ContactPoints:1=node1:8558", "Cluster:Bootstrap:ContactPoints:1")]
    [InlineData("--Cluster:Bootstrap:Discovery=Config --Cluster:Bootstrap:ContactPoints:0=node1:8558 --Cluster:Bootstrap:RequiredContactPoints=2", "Cluster:Bootstrap:RequiredContactPoints")]
    [InlineData("--Cluster:Bootstrap:Discovery=Config --Cluster:Bootstrap:ContactPoints:0=node1:8558 --Cluster:Bootstrap:ManagementPort=0", "Cluster:Bootstrap:ManagementPort")]
    [InlineData("--Cluster:Bootstrap:Discovery=Config --Cluster:Bootstrap:ContactPoints:0=node1:8558 --Cluster:SeedNodes:0=akka.tcp://orchestrator@node1:4053", "Cluster:SeedNodes")]
    [InlineData("--Cluster:Bootstrap:Discovery=Config --Cluster:Bootstrap:ContactPoints:0=node1:8558 --Cluster:Hostname=0.0.0.0", "Cluster:PublicHostname")]
    [InlineData("--Cluster:Bootstrap:Discovery=Kubernetes --Cluster:Bootstrap:PortName= ", "Cluster:Bootstrap:PortName")]
    [InlineData("--Downstream:BaseUrl=ftp://127.0.0.1/", "Downstream:BaseUrl")]
    [InlineData("--Downstream:ReplicaLag=-00:00:01", "Downstream:ReplicaLag")]
    [InlineData("--Shop:HomeDeadline=00:00:00", "Shop:HomeDeadline")]
    [InlineData("--Shop:HomeDeadline=00:00:10.001", "Shop:HomeDeadline")]
    [InlineData("--Shop:HomeDeadline=soon", "Shop:HomeDeadline: 'soon' is not a valid TimeSpan (e.g. 00:00:02).")]
    [InlineData("--Shop:HomeDedline=00:00:01", "Shop:HomeDedline is not a setting of Shop; did you mean HomeDeadline?")]
    [InlineData("--Edge:RateLimit:PermitsPerSecond=0", "Edge:RateLimit:PermitsPerSecond must be a whole number from 1 to 1000000, not 0.")]
    [InlineData("--Edge:RateLimit:Burst=-5", "Edge:RateLimit:Burst must be a whole number from 1 to 1000000, not -5.")]
    [InlineData("--Edge:RateLimit:MaxConcurrentPerClient=0", "Edge:RateLimit:MaxConcurrentPerClient must be a whole number from 1 to 1000000, not 0.")]
    [InlineData("--Edge:RateLimit:Paths:0=shop", "Edge:RateLimit:Paths: each entry must be a path starting with '/' (like /shop), not 'shop'.")]
    [InlineData("--Edge:RateLimit:PermitsPerSecond=lots", "Edge:RateLimit:PermitsPerSecond: 'lots' is not a valid int (a whole number, e.g. 10).")]
    [InlineData("--Edge:RateLimit:Permits=10", "Edge:RateLimit:Permits is not a setting of Edge:RateLimit; did you mean PermitsPerSecond?")]
    [InlineData("--Edge:DashboardStreams:PerClient=20", "Edge:DashboardStreams:PerClient must be a whole number from 1 to Total (16), not 20.")]
    [InlineData("--Edge:DashboardStreams:Total=0", "Edge:DashboardStreams:Total must be a whole number from 1 to 1024, not 0.")]
    [InlineData("--Edge:DashboardStreams:Lifetime=00:00:00.5", "Edge:DashboardStreams:Lifetime must be between 1 s and 1 day (like 00:10:00), not 00:00:00.5000000.")]
    [InlineData("--Edge:DashboardStreams:StalledAfter=01:00:00", "Edge:DashboardStreams:StalledAfter must be between 1 s and 5 min (like 00:00:10), not 01:00:00.")]
    public void Bad_node_settings_are_refused_naming_the_setting(string args, string named)
    {
        var e = Assert.Throws<NodeConfigurationException>(() => NodeHost.Build(NodeFixture.Args(args.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public async Task The_cluster_settings_of_docker_compose_yml_are_accepted()
    {
        // Every Cluster__ variable of node1 in docker-compose.yml (the shared block, then node1's own). Built, not started.
        var compose = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "docker-compose.yml"));
        var settings = new Dictionary<string, string>();
        var node1 = Array.FindIndex(compose, l => l.TrimEnd() == "  node1:");
        var node2 = Array.FindIndex(compose, l => l.TrimEnd() == "  node2:");
        foreach (var line in compose.Take(node2).Where((_, i) => i < node1 || i > node1))
        {
            var match = System.Text.RegularExpressions.Regex.Match(line, @"^\s+(Cluster__\w+):\s*""?([^""#]*)""?\s*$");
            if (match.Success) settings[match.Groups[1].Value] = match.Groups[2].Value.Trim();
        }
        await using var app = NodeHost.Build(NodeFixture.Args(settings.Select(s => $"--{s.Key.Replace("__", ":")}={s.Value}").ToArray()));
        var cluster = (ClusterSettings)app.Services.GetService(typeof(ClusterSettings))!;
        Assert.Empty(cluster.SeedNodes);
        Assert.Equal(DiscoveryMethod.Config, cluster.Bootstrap.Discovery);
        Assert.Equal(["node1:8558", "node2:8558", "node3:8558"], cluster.Bootstrap.ContactPoints);
        Assert.Equal(3, cluster.Bootstrap.EffectiveRequiredContactPoints);
        Assert.Equal("node1", cluster.PublicHostname);
        Assert.Equal(4053, cluster.Port);
    }

    [Fact]
    public async Task The_cluster_settings_of_the_kubernetes_manifest_are_accepted()
    {
        // Every Cluster__ variable with a plain value in deploy/kubernetes/orchestrator.yaml; the pod IP stands in for $(POD_IP).
        var manifest = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "kubernetes", "orchestrator.yaml"));
        var settings = System.Text.RegularExpressions.Regex.Matches(manifest, @"- name: (Cluster__\w+)\s+value: ""?([^""\n]*)""?")
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim() == "$(POD_IP)" ? "10.1.2.3" : m.Groups[2].Value.Trim());
        Assert.Contains("Cluster__Bootstrap__Discovery", settings.Keys);
        await using var app = NodeHost.Build(NodeFixture.Args(settings.Select(s => $"--{s.Key.Replace("__", ":")}={s.Value}").ToArray()));
        var cluster = (ClusterSettings)app.Services.GetService(typeof(ClusterSettings))!;
        Assert.Equal(DiscoveryMethod.Kubernetes, cluster.Bootstrap.Discovery);
        Assert.Equal(3, cluster.Bootstrap.EffectiveRequiredContactPoints);
        Assert.Equal("10.1.2.3", cluster.PublicHostname);
        Assert.Equal("management", cluster.Bootstrap.PortName);
        Assert.Contains("name: management", manifest); // the container port the bootstrap probes
    }

    [Fact]
    public void Every_bad_setting_is_listed_at_once()
    {
        var e = Assert.Throws<NodeConfigurationException>(() =>
            NodeHost.Build(NodeFixture.Args("--Cluster:Port=70000", "--Cluster:SeedNodes:0=bogus", "--Downstream:BaseUrl=nope", "--Shop:HomeDeadline=00:01:00")));
        Assert.Equal(4, e.Errors.Count);
    }

    [Fact]
    public void Every_bad_orchestrator_setting_is_listed_at_once_whichever_package_reads_it()
    {
        var e = Assert.Throws<OrchestratorOptionsException>(() => NodeHost.Build(NodeFixture.Args(
            "--Orchestrator:Dependencies:payments:Timeout=soon", "--Orchestrator:Dependencies:payments:Bulkhead:MaxConcurency=4",
            "--Orchestrator:Cluster:Enabled=maybe", "--Orchestrator:WriteQueue:MaxInFlight=0")));
        Assert.Equal(
            [
                "Orchestrator:Cluster:Enabled: 'maybe' is not a valid bool (true or false).",
                "Orchestrator:Dependencies:payments:Bulkhead:MaxConcurency is not a setting of Orchestrator:Dependencies:payments:Bulkhead; " +
                "did you mean MaxConcurrency? Known: MaxConcurrency, QueueCapacity, DedicatedThreads.",
                "Orchestrator:Dependencies:payments:Timeout: 'soon' is not a valid TimeSpan (e.g. 00:00:02).",
                "Orchestrator:WriteQueue:MaxInFlight must be between 1 and 1000, not 0.",
            ],
            e.Errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Good_settings_from_arguments_are_used()
    {
        await using var app = NodeHost.Build(NodeFixture.Args(
            "--Orchestrator:Dependencies:payments:Timeout=00:00:03",
            "--Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency=7",
            "--Shop:HomeDeadline=00:00:01.500"));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        using var response = await http.GetAsync("/api/status");
        using var status = await NodeFixture.Read(response, 200);

        var payments = status.RootElement.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "payments");
        Assert.Equal("00:00:03", payments.GetProperty("defaultTimeout").GetString());
        Assert.Equal(7, payments.GetProperty("bulkhead").GetProperty("maxConcurrency").GetInt32());

        // The shop answers once the node is ready (an Up member, its journal read, warmed up).
        await Poll.UntilAsync(async () =>
        {
            using var ready = await http.GetAsync("/health/ready");
            return (int)ready.StatusCode;
        }, s => s == 200, "the node is ready");
        using var homeResponse = await http.GetAsync("/shop/home/u1");
        using var home = await NodeFixture.Read(homeResponse, 200);
        Assert.Equal(1500, home.RootElement.GetProperty("deadlineMs").GetDouble());
        await app.StopAsync();
    }
}
