using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orchestrator.Node.Remoting;

/// <summary>
/// The loaded, checked material of <see cref="Configuration.RemotingTlsSettings"/>: this node's certificate (with its
/// private key) and the cluster's trust anchors, the only roots a peer's certificate may chain to.
/// </summary>
public sealed class RemotingTls
{
    /// <summary>TLS server authentication (1.3.6.1.5.5.7.3.1): every node accepts connections.</summary>
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>TLS client authentication (1.3.6.1.5.5.7.3.2): every node also opens connections, presenting its certificate.</summary>
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Takes <paramref name="certificate"/> (with its private key) and the <paramref name="trustAnchors"/> peers must chain to.</summary>
    public RemotingTls(X509Certificate2 certificate, X509Certificate2Collection trustAnchors, string? caCertificatePath)
    {
        Certificate = certificate;
        TrustAnchors = trustAnchors;
        CaCertificatePath = caCertificatePath;
    }

    /// <summary>This node's certificate, with its private key; presented to every peer, inbound and outbound.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The roots a peer's certificate must chain to: the CA's certificate(s), or this node's self-signed certificate.</summary>
    public X509Certificate2Collection TrustAnchors { get; }

    /// <summary>The CA file the anchors came from, or null when the anchor is this node's own self-signed certificate.</summary>
    public string? CaCertificatePath { get; }

    /// <summary>How peers are checked, for the start-up log: "the CA in ..." or "this node's self-signed certificate".</summary>
    public string TrustDescription => CaCertificatePath is null
        ? $"this node's own self-signed certificate ({Certificate.Thumbprint})"
        : $"the CA certificate(s) in '{CaCertificatePath}' ({string.Join(", ", TrustAnchors.Select(a => $"'{a.Subject}' {a.Thumbprint}"))})";

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to one of <see cref="TrustAnchors"/> at <paramref name="now"/>:
    /// null when it does, else what is wrong. The chain is built against the anchors only (not the machine's trusted
    /// roots), every certificate in it must be within its validity dates, and any extended key usage must allow
    /// both TLS server and client authentication. No revocation check, no host name check, no download.
    /// <paramref name="presented"/>: the intermediates the peer sent, if any.
    /// </summary>
    public string? Check(X509Certificate2 certificate, DateTimeOffset now, X509Chain? presented = null)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(TrustAnchors);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(ServerAuthentication);
        policy.ApplicationPolicy.Add(ClientAuthentication);
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                    policy.ExtraStore.Add(element.Certificate);

        if (chain.Build(certificate)) return null;
        var problems = chain.ChainStatus.Select(s => $"{s.Status} ({s.StatusInformation.Trim()})").Distinct().ToList();
        return problems.Count == 0 ? "the chain could not be built" : string.Join("; ", problems);
    }
}
