using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;

namespace Orchestrator.Node.Remoting;

/// <summary>
/// Akka.Remote's certificate check (its <c>CustomValidator</c>), run by both ends of every remoting connection: the
/// node that connects checks the certificate of the node it reaches, the node that accepts checks the client's
/// (mutual TLS). A peer is accepted only when its certificate chains to <see cref="RemotingTls.TrustAnchors"/>
/// (<see cref="RemotingTls.Check"/>); the machine's trusted roots and host names play no part. Each refusal is
/// logged, counted, and ends the TLS handshake, so the peer's connection (and its join) fails.
/// </summary>
public sealed class PeerCertificateValidator(RemotingTls tls, TimeProvider time, ILogger<PeerCertificateValidator> logger)
{
    private long _refused;

    /// <summary>How many peer certificates this node has refused since it started.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The <c>CertificateValidationCallback</c>: true accepts <paramref name="certificate"/> from <paramref name="peer"/>.</summary>
    public bool Validate(X509Certificate2? certificate, X509Chain? chain, string peer, SslPolicyErrors errors, ILoggingAdapter log)
    {
        // errors is the platform's verdict against the machine's roots and the host name; the cluster's anchors decide instead.
        var problem = certificate is null
            ? "it presented no certificate"
            : tls.Check(certificate, time.GetUtcNow(), chain) is { } p ? $"its certificate '{certificate.Subject}' ({certificate.Thumbprint}) does not chain to the cluster's trust anchor: {p}" : null;
        if (problem is null)
        {
            logger.LogDebug("Remoting TLS: accepted {Peer}, certificate {Subject} {Thumbprint}", peer, certificate!.Subject, certificate.Thumbprint);
            return true;
        }
        Interlocked.Increment(ref _refused);
        NodeMetrics.RemotingPeerRefused();
        logger.LogWarning("Remoting TLS: refused the connection with {Peer}: {Problem}", peer, problem);
        return false;
    }
}
