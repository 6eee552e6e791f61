using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Dsl;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orchestrator.Node.Api;
using ClusterSettings = Orchestrator.Node.Configuration.ClusterSettings;
using static Akka.Management.Cluster.Bootstrap.ContactPoint.HttpBootstrapJsonProtocol;

namespace Orchestrator.Node.Formation;

/// <summary>
/// This node's contact point for Cluster Bootstrap: a small HTTP server of its own on
/// <c>Cluster:Hostname</c>:<c>Cluster:Bootstrap:ManagementPort</c>, apart from the node's API, that answers one
/// route, <c>GET /bootstrap/seed-nodes</c>, with the members this node knows (the JSON Akka.Management's bootstrap
/// reads). Once it listens, it hands the bootstrap this node's contact point and starts it.
/// </summary>
/// <remarks>
/// Akka.Management serves this route on its own HTTP server (Ceen.Httpd through Akka.Http.Shim). The Ceen.Httpd
/// the package feed serves (0.9.10) no longer has the method Akka.Http.Shim 1.5.73 calls, so that server fails
/// at start (MissingMethodException). Kestrel serves the same route, with the same JSON, here.
/// </remarks>
public sealed class ManagementEndpoint : IHostedService, IAsyncDisposable
{
    /// <summary>The route bootstrap probes.</summary>
    public const string SeedNodesPath = "/bootstrap/seed-nodes";

    /// <summary>At most this many members are handed out, as Akka.Management does by default.</summary>
    private const int MaxSeedNodes = 5;

    private readonly ActorSystem _system;
    private readonly ClusterSettings _settings;
    private readonly ILogger<ManagementEndpoint> _logger;
    private WebApplication? _server;

    /// <summary>Creates the endpoint for the node's actor system.</summary>
    public ManagementEndpoint(ActorSystem system, ClusterSettings settings, ILogger<ManagementEndpoint> logger)
    {
        _system = system;
        _settings = settings;
        _logger = logger;
    }

    /// <summary>The address other nodes probe: the one they reach this node by, as it is listed among the contact points.</summary>
    public Uri SelfContactPoint => new($"http://{FormatHost(_settings.PublicHostname ?? _settings.Hostname)}:{_settings.Bootstrap.ManagementPort}/");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ManagementEndpoint).Assembly.GetName().Name });
        builder.Logging.ClearProviders(); // the node's own logger writes what matters (below)
        // Peers reach this endpoint by whatever name or address discovery gave them: the node's AllowedHosts (read
        // here from the environment) is for its shop and API, and must not turn a contact point's probes away.
        builder.Services.LetEveryHostPastTheFrameworksFilter();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 0;
            kestrel.Limits.MaxRequestLineSize = 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 8 * 1024;
            kestrel.Limits.MaxConcurrentConnections = 64;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
            kestrel.Listen(ListenAddress(), _settings.Bootstrap.ManagementPort, o => o.Protocols = HttpProtocols.Http1);
        });
        var server = builder.Build();
        server.MapGet(SeedNodesPath, () => Results.Text(SeedNodesJson(), "application/json"));
        await server.StartAsync(cancellationToken);
        _server = server;

        var bootstrap = ClusterBootstrap.Get(_system);
        // The route provider's hook is how Akka.Management tells the bootstrap its contact point; the routes it
        // returns are Akka.Http's, served here by Kestrel instead.
        bootstrap.Routes(ManagementRouteProviderSettings.Create(SelfContactPoint, readOnly: true));
        _ = bootstrap.Start();
        _logger.LogInformation(
            "Cluster Bootstrap started: contact point {ContactPoint}, discovery {Discovery}, {Required} contact points must agree before a new cluster forms",
            SelfContactPoint, _settings.Bootstrap.Discovery, _settings.Bootstrap.EffectiveRequiredContactPoints);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server) await server.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is { } server) await server.DisposeAsync();
    }

    /// <summary>
    /// The members this node would have a newcomer join: Joining, Up and WeaklyUp members it can reach; none when it
    /// is not (or no longer) a member itself, so that a node on its way out never draws others into its cluster.
    /// </summary>
    public string SeedNodesJson()
    {
        var cluster = Akka.Cluster.Cluster.Get(_system);
        var self = cluster.SelfMember;
        var members = ImmutableList<ClusterMember>.Empty;
        if (self.Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.WeaklyUp)
        {
            var state = cluster.State;
            members = state.Members
                .Where(m => !state.Unreachable.Contains(m))
                .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
                .Take(MaxSeedNodes)
                .Select(m => new ClusterMember(m.UniqueAddress.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
                .ToImmutableList();
        }
        return Newtonsoft.Json.JsonConvert.SerializeObject(new SeedNodes(self.UniqueAddress.Address, members));
    }

    private System.Net.IPAddress ListenAddress()
    {
        var host = _settings.Hostname.Trim('[', ']');
        if (System.Net.IPAddress.TryParse(host, out var address)) return address;
        return host is "localhost" ? System.Net.IPAddress.Loopback : System.Net.Dns.GetHostAddresses(host).First();
    }

    private static string FormatHost(string host) => host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;
}
