using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Remoting;
using Xunit.Abstractions;

namespace Orchestrator.Node.Tests.Tls;

/// <summary>
/// Mutual TLS between real nodes (Remoting:Tls): nodes holding the cluster's certificate form a cluster; a node
/// without TLS, a node with another certificate, and an Akka system that trusts anything but has no trusted
/// certificate (or none at all) cannot connect, so they never become members. Each refusal is awaited as an event
/// (a failed association, a refusal counted by the cluster node), then the cluster's membership is read. Which
/// certificates are refused and why (another key with the same name, another CA, expired, no client use, none) is
/// checked without sockets or timing by <see cref="PeerCertificateValidatorTests"/>; these prove the check is the one
/// the nodes run.
/// </summary>
public sealed class MutualTlsTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// Generous: every wait is for an event (a refusal counted, a warning logged, a member Up) and ends as soon as it
    /// comes; the bound only says when to give up on a machine loaded by the other process tests.
    /// </summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Akka.Remote 1.5.74's warning (TcpServerHandler) when an inbound connection's TLS handshake fails.</summary>
    private const string HandshakeFailed = "due to TLS handshake failure";

    /// <summary>Akka.Remote 1.5.74's warning (DotNettyTransport) when a client presents no certificate to a node requiring one.</summary>
    private const string NoClientCertificate = "Mutual TLS required but client did not provide a certificate";
    private readonly TestCertificates _files = new();

    public void Dispose() => _files.Dispose();

    private static Task UntilUpAsync(TlsNode node, int members) => Poll.UntilAsync(
        () => Task.FromResult((node.IsUp, Up: node.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up))),
        s => s.IsUp && s.Up == members, $"{node.Address} sees itself Up among {members} Up members", Limit);

    private static void AssertAlone(TlsNode node)
    {
        Assert.Equal([node.Address], node.Members);
        Assert.True(node.IsUp);
    }

    [Fact]
    public async Task Two_nodes_with_certificates_from_the_cluster_CA_form_a_cluster()
    {
        using var ca = TestCertificates.CreateCa("Orchestrator test CA");
        var caPem = _files.WritePem(ca, "ca");
        using var one = TestCertificates.CreateNode("node-one", ca);
        using var two = TestCertificates.CreateNode("node-two", ca);

        await using var first = await TlsNode.StartAsync(TestCertificates.Settings(_files.WritePfx(one, "one"), caPem));
        Assert.Equal("akka.ssl.tcp", first.Address.Protocol);
        await UntilUpAsync(first, 1);
        await using var second = await TlsNode.StartAsync([.. TestCertificates.Settings(_files.WritePfx(two, "two"), caPem), $"--Cluster:SeedNodes:0={first.Address}"]);

        await UntilUpAsync(first, 2);
        await UntilUpAsync(second, 2);
        Assert.Equal(0, first.Services.GetRequiredService<PeerCertificateValidator>().Refused);
    }

    [Fact]
    public async Task Two_nodes_sharing_the_self_signed_cluster_certificate_form_a_cluster()
    {
        using var shared = TestCertificates.CreateNode("orchestrator-cluster");
        var pfx = _files.WritePfx(shared, "cluster");

        await using var first = await TlsNode.StartAsync(TestCertificates.Settings(pfx));
        await UntilUpAsync(first, 1);
        await using var second = await TlsNode.StartAsync([.. TestCertificates.Settings(pfx), $"--Cluster:SeedNodes:0={first.Address}"]);

        await UntilUpAsync(first, 2);
        await UntilUpAsync(second, 2);
    }

    [Fact]
    public async Task A_node_without_TLS_cannot_join()
    {
        using var shared = TestCertificates.CreateNode("orchestrator-cluster");
        await using var first = await TlsNode.StartAsync(TestCertificates.Settings(_files.WritePfx(shared, "cluster")));
        await UntilUpAsync(first, 1);

        var warnings = AkkaWarnings.Watch(first.System);

        // Plain akka.tcp to the TLS port: its bytes are no TLS handshake, so the cluster node drops the connection.
        var plainSeed = $"akka.tcp://{first.Address.System}@{first.Address.Host}:{first.Address.Port}";
        await using var intruder = await TlsNode.StartAsync($"--Cluster:SeedNodes:0={plainSeed}");

        await Poll.UntilAsync(() => Task.FromResult(warnings.Containing(HandshakeFailed)), n => n >= 1, "the cluster node drops the plain connection", Limit);
        output.WriteLine(warnings.ToString());
        AssertAlone(first);
        Assert.NotEqual(MemberStatus.Up, intruder.Cluster.SelfMember.Status);
    }

    [Fact]
    public async Task A_system_that_trusts_any_server_but_presents_an_untrusted_certificate_is_refused_by_the_cluster_node()
    {
        using var shared = TestCertificates.CreateNode("orchestrator-cluster");
        await using var first = await TlsNode.StartAsync(TestCertificates.Settings(_files.WritePfx(shared, "cluster")));
        await UntilUpAsync(first, 1);
        var refusals = first.Services.GetRequiredService<PeerCertificateValidator>();

        using var rogue = TestCertificates.CreateNode("orchestrator-cluster");
        using var attacker = StartAttacker(rogue, presentCertificate: true);
        Cluster.Get(attacker).Join(first.Address);

        await Poll.UntilAsync(() => Task.FromResult(refusals.Refused), n => n >= 1, "the cluster node refuses the untrusted client certificate", Limit);
        AssertAlone(first);
        Assert.NotEqual(MemberStatus.Up, Cluster.Get(attacker).SelfMember.Status);
    }

    [Fact]
    public async Task A_system_that_trusts_any_server_but_presents_no_certificate_is_refused_by_the_cluster_node()
    {
        using var shared = TestCertificates.CreateNode("orchestrator-cluster");
        await using var first = await TlsNode.StartAsync(TestCertificates.Settings(_files.WritePfx(shared, "cluster")));
        await UntilUpAsync(first, 1);

        var warnings = AkkaWarnings.Watch(first.System);

        using var rogue = TestCertificates.CreateNode("rogue");
        using var attacker = StartAttacker(rogue, presentCertificate: false);
        Cluster.Get(attacker).Join(first.Address);

        // Akka.Remote's own check (RequireMutualAuthentication): no client certificate, no connection.
        // The two warnings come one after the other, each in its own time: both are awaited (asserting the second
        // as soon as the first came failed one run in a few).
        await Poll.UntilAsync(() => Task.FromResult(warnings.Containing(NoClientCertificate)), n => n >= 1, "the cluster node refuses a client without a certificate", Limit);
        await Poll.UntilAsync(() => Task.FromResult(warnings.Containing(HandshakeFailed)), n => n >= 1, "the cluster node ends the TLS handshake", Limit);
        output.WriteLine(warnings.ToString());
        AssertAlone(first);
        Assert.NotEqual(MemberStatus.Up, Cluster.Get(attacker).SelfMember.Status);
    }

    /// <summary>
    /// A bare Akka cluster system with TLS that accepts any server certificate; as a client it presents
    /// <paramref name="certificate"/> (<paramref name="presentCertificate"/>) or nothing.
    /// </summary>
    private static ActorSystem StartAttacker(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, bool presentCertificate)
    {
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.loglevel = WARNING
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, enable-ssl = true }
            """);
        var ssl = new DotNettySslSetup(certificate, suppressValidation: true, requireMutualAuthentication: presentCertificate,
            validateCertificateHostname: false, customValidator: (_, _, _, _, _) => true);
        return ActorSystem.Create(NodeHost.ActorSystemName, BootstrapSetup.Create().WithConfig(config).And(ssl));
    }
}
