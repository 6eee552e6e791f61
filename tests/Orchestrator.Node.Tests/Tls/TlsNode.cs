using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Node.Tests.Tls;

/// <summary>A real node started in-process (HTTP and remoting on free ports), reached through its actor system.</summary>
public sealed class TlsNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsNode(WebApplication app)
    {
        _app = app;
        System = app.Services.GetRequiredService<ActorSystem>();
    }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The node's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The node's cluster extension.</summary>
    public Cluster Cluster => Cluster.Get(System);

    /// <summary>The node's remoting address (<c>akka.ssl.tcp://...</c> with TLS, <c>akka.tcp://...</c> without).</summary>
    public Address Address => Cluster.SelfAddress;

    /// <summary>Builds and starts a node with <see cref="NodeFixture.Args"/> and <paramref name="extra"/>; no seed: it joins itself.</summary>
    public static async Task<TlsNode> StartAsync(params string[] extra)
    {
        var app = NodeHost.Build(NodeFixture.Args(extra));
        await app.StartAsync();
        return new TlsNode(app);
    }

    /// <summary>Whether this node sees itself as an Up member.</summary>
    public bool IsUp => Cluster.SelfMember.Status == MemberStatus.Up;

    /// <summary>The addresses of the members this node knows of (any status).</summary>
    public IReadOnlyList<Address> Members => Cluster.State.Members.Select(m => m.Address).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
