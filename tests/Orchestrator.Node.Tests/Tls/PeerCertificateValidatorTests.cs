using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Node.Remoting;

namespace Orchestrator.Node.Tests.Tls;

/// <summary>
/// The check every remoting connection runs on its peer's certificate (both ends: mutual TLS), called directly as
/// Akka.Remote calls it: what MutualTlsTests prove between real nodes, here without sockets or timing. A peer is
/// accepted only when its certificate chains to the cluster's anchor; the platform's own verdict never decides.
/// </summary>
public sealed class PeerCertificateValidatorTests : IDisposable
{
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa("orchestrator-ca");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _ca.Dispose();

    private PeerCertificateValidator Validator(X509Certificate2 own, params X509Certificate2[] anchors) =>
        new(new RemotingTls(own, [.. anchors], anchors.Length == 0 ? null : "ca.pem"), _time, NullLogger<PeerCertificateValidator>.Instance);

    private static bool Accepts(PeerCertificateValidator validator, X509Certificate2? peer, SslPolicyErrors errors = SslPolicyErrors.None) =>
        validator.Validate(peer, null, "akka.ssl.tcp://orchestrator@10.0.0.9:4053", errors, NoLogger.Instance);

    [Fact]
    public void A_peer_certificate_issued_by_the_cluster_CA_is_accepted_even_where_the_platform_objects()
    {
        using var own = TestCertificates.CreateNode("node-1", _ca);
        using var peer = TestCertificates.CreateNode("node-2", _ca);
        var validator = Validator(own, _ca);
        // The platform checks against the machine's roots and the host name, which play no part: the CA decides.
        Assert.True(Accepts(validator, peer, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Equal(0, validator.Refused);
    }

    [Fact]
    public void Another_certificate_with_the_same_name_is_refused_and_counted()
    {
        using var own = TestCertificates.CreateNode("orchestrator-cluster");
        using var other = TestCertificates.CreateNode("orchestrator-cluster"); // the same subject, another key
        var validator = Validator(own, own); // self-signed: the anchor is this node's own certificate
        Assert.True(Accepts(validator, own)); // a peer sharing the cluster's certificate
        Assert.False(Accepts(validator, other));
        Assert.Equal(1, validator.Refused);
    }

    [Fact]
    public void A_certificate_from_another_CA_is_refused_even_where_the_platform_accepts_it()
    {
        using var otherCa = TestCertificates.CreateCa("orchestrator-ca"); // the same name, another key
        using var own = TestCertificates.CreateNode("node-1", _ca);
        using var rogue = TestCertificates.CreateNode("node-2", otherCa);
        var validator = Validator(own, _ca);
        Assert.False(Accepts(validator, rogue, SslPolicyErrors.None));
        Assert.Equal(1, validator.Refused);
    }

    [Fact]
    public void A_peer_without_a_certificate_is_refused()
    {
        using var own = TestCertificates.CreateNode("node-1", _ca);
        var validator = Validator(own, _ca);
        Assert.False(Accepts(validator, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.Equal(1, validator.Refused);
    }

    [Fact]
    public void A_certificate_is_refused_outside_its_dates_by_the_node_clock()
    {
        using var own = TestCertificates.CreateNode("node-1", _ca);
        using var peer = TestCertificates.CreateNode("node-2", _ca, notBefore: _time.GetUtcNow().AddDays(-1), notAfter: _time.GetUtcNow().AddDays(1));
        var validator = Validator(own, _ca);
        Assert.True(Accepts(validator, peer));
        _time.Advance(TimeSpan.FromDays(2)); // expired
        Assert.False(Accepts(validator, peer));
        Assert.Equal(1, validator.Refused);
    }

    [Fact]
    public void A_certificate_that_cannot_authenticate_a_client_is_refused()
    {
        using var own = TestCertificates.CreateNode("node-1", _ca);
        using var serverOnly = TestCertificates.CreateNode("node-2", _ca, clientAuthentication: false); // every node also connects out
        var validator = Validator(own, _ca);
        Assert.False(Accepts(validator, serverOnly));
        Assert.Equal(1, validator.Refused);
    }
}
