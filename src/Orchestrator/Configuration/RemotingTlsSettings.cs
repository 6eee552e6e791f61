using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orchestrator.Node.Remoting;

namespace Orchestrator.Node.Configuration;

/// <summary>
/// Mutual TLS for Akka.Remote (DotNetty's <c>akka.ssl.tcp</c>); section <c>Remoting:Tls</c>. When enabled, every
/// remoting connection is TLS, each side presents its certificate, and each side accepts the other's only when it
/// chains to the cluster's trust anchor (<see cref="CaCertificatePath"/>, or this node's own self-signed certificate).
/// A node without such a certificate cannot connect, so it cannot join. See docs/cluster.md, "Mutual TLS".
/// </summary>
public sealed class RemotingTlsSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = RemotingSettings.SectionName + ":Tls";

    /// <summary>Turns TLS on: seed node addresses must then be <c>akka.ssl.tcp://...</c>. Default false (plain <c>akka.tcp</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>The node's certificate and its private key: a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>). Required when <see cref="Enabled"/>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/>; leave it out for a file without one. Never logged; pass it as an environment variable or secret.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// The certificate(s) of the CA that issued every node's certificate (PEM, one or more, or DER): a peer is
    /// accepted only when its certificate chains to one of them. Leave it out when all nodes share one self-signed
    /// certificate: that certificate is then the only trust anchor.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    private static readonly string Enable = $"{SectionName}:Enabled";
    private static readonly string Path = $"{SectionName}:CertificatePath";
    private static readonly string Password = $"{SectionName}:CertificatePassword";
    private static readonly string CaPath = $"{SectionName}:CaCertificatePath";

    /// <summary>
    /// Checks the seed addresses' protocol against <see cref="Enabled"/> and, when enabled, loads the certificate and
    /// the trust anchors, adding every problem to <paramref name="errors"/> (naming the setting and the file, never
    /// the password). Returns what remoting needs, or null when TLS is off or something is wrong.
    /// </summary>
    public RemotingTls? Load(IReadOnlyList<string> seedNodes, List<string> errors, TimeProvider time)
    {
        CheckSeedProtocols(seedNodes, errors);
        if (!Enabled) return null;

        var before = errors.Count;
        var certificate = LoadCertificate(errors, time);
        var anchors = LoadAnchors(certificate, errors, time);
        if (certificate is null || anchors is null || errors.Count > before) return null;

        var tls = new RemotingTls(certificate, anchors, CaCertificatePath is null ? null : System.IO.Path.GetFullPath(CaCertificatePath));
        if (tls.Check(certificate, time.GetUtcNow()) is { } problem)
        {
            var usage = problem.Contains(nameof(X509ChainStatusFlags.NotValidForUsage), StringComparison.Ordinal)
                ? " Its extended key usage must allow both TLS server and client authentication (serverAuth and clientAuth), or be absent."
                : "";
            var selfSigned = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
            errors.Add(CaCertificatePath is not null
                ? $"{Path}: the certificate in '{CertificatePath}' ({Describe(certificate)}) does not chain to the CA in {CaPath} '{CaCertificatePath}': {problem}. The other nodes would refuse it.{usage}"
                : selfSigned
                    ? $"{Path}: the self-signed certificate in '{CertificatePath}' ({Describe(certificate)}) cannot be the cluster's certificate: {problem}.{usage}"
                    : $"{Path}: the certificate in '{CertificatePath}' ({Describe(certificate)}) is not self-signed (issuer '{certificate.Issuer}'): {problem}. Set {CaPath} to the CA that issued it, or use a self-signed certificate shared by every node.");
        }
        return errors.Count > before ? null : tls;
    }

    private void CheckSeedProtocols(IReadOnlyList<string> seedNodes, List<string> errors)
    {
        var (wanted, other) = Enabled ? ("akka.ssl.tcp", "akka.tcp") : ("akka.tcp", "akka.ssl.tcp");
        for (var i = 0; i < seedNodes.Count; i++)
        {
            var seed = seedNodes[i];
            if (seed is null || !seed.StartsWith(other + "://", StringComparison.OrdinalIgnoreCase)) continue;
            var fixedSeed = wanted + seed[other.Length..];
            errors.Add(Enabled
                ? $"{ClusterSettings.SectionName}:SeedNodes:{i}: '{seed}' is a plain {other} address, but {Enable} is true: this node speaks TLS only, so the seed must be '{fixedSeed}'."
                : $"{ClusterSettings.SectionName}:SeedNodes:{i}: '{seed}' is a TLS ({other}) address, but {Enable} is false: set {Enable}=true (with a certificate) or use '{fixedSeed}'.");
        }
    }

    private X509Certificate2? LoadCertificate(List<string> errors, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            errors.Add($"{Path} is required when {Enable} is true: the path of a PKCS#12 file (.pfx/.p12) holding this node's certificate and private key.");
            return null;
        }
        if (ReadFile(Path, CertificatePath, errors) is not { } bytes) return null;

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12(bytes, string.IsNullOrEmpty(CertificatePassword) ? null : CertificatePassword);
        }
        catch (CryptographicException e)
        {
            var hint = string.IsNullOrEmpty(CertificatePassword) ? $"{Password} is not set" : $"check {Password}";
            errors.Add($"{Path}: '{CertificatePath}' cannot be opened as a PKCS#12 (.pfx) file with the configured password ({hint}): {e.Message}");
            return null;
        }

        if (!certificate.HasPrivateKey)
            errors.Add($"{Path}: the certificate in '{CertificatePath}' ({Describe(certificate)}) has no private key; TLS needs the node's key in the same PKCS#12 file.");
        else if (!HasUsableKey(certificate))
            errors.Add($"{Path}: the private key of the certificate in '{CertificatePath}' ({Describe(certificate)}) is neither RSA nor ECDSA, or cannot be read.");
        CheckDates(Path, CertificatePath, certificate, errors, time);
        return certificate;
    }

    private X509Certificate2Collection? LoadAnchors(X509Certificate2? own, List<string> errors, TimeProvider time)
    {
        if (CaCertificatePath is null)
            return own is null ? null : [X509CertificateLoader.LoadCertificate(own.RawData)]; // the public part only
        if (string.IsNullOrWhiteSpace(CaCertificatePath))
        {
            errors.Add($"{CaPath} must not be blank; leave it out when every node shares one self-signed certificate.");
            return null;
        }
        if (ReadFile(CaPath, CaCertificatePath, errors) is not { } bytes) return null;

        var anchors = new X509Certificate2Collection();
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(bytes);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) anchors.ImportFromPem(text);
            else anchors.Add(X509CertificateLoader.LoadCertificate(bytes));
        }
        catch (CryptographicException e)
        {
            errors.Add($"{CaPath}: '{CaCertificatePath}' is not a certificate (PEM or DER): {e.Message}");
            return null;
        }
        if (anchors.Count == 0)
        {
            errors.Add($"{CaPath}: '{CaCertificatePath}' holds no certificate.");
            return null;
        }
        foreach (var anchor in anchors) CheckDates(CaPath, CaCertificatePath, anchor, errors, time);
        return anchors;
    }

    private static byte[]? ReadFile(string setting, string path, List<string> errors)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            errors.Add($"{setting}: '{path}' does not exist (full path '{System.IO.Path.GetFullPath(path)}').");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            errors.Add($"{setting}: '{path}' cannot be read: {e.Message}");
        }
        return null;
    }

    private static void CheckDates(string setting, string path, X509Certificate2 certificate, List<string> errors, TimeProvider time)
    {
        var now = time.GetUtcNow();
        if (certificate.NotAfter.ToUniversalTime() < now)
            errors.Add($"{setting}: the certificate in '{path}' ({Describe(certificate)}) expired on {certificate.NotAfter.ToUniversalTime():u}.");
        else if (certificate.NotBefore.ToUniversalTime() > now)
            errors.Add($"{setting}: the certificate in '{path}' ({Describe(certificate)}) is not valid before {certificate.NotBefore.ToUniversalTime():u}.");
    }

    private static bool HasUsableKey(X509Certificate2 certificate)
    {
        try
        {
            using var rsa = certificate.GetRSAPrivateKey();
            using var ecdsa = certificate.GetECDsaPrivateKey();
            return rsa is not null || ecdsa is not null;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string Describe(X509Certificate2 certificate) => $"subject '{certificate.Subject}', thumbprint {certificate.Thumbprint}";
}
