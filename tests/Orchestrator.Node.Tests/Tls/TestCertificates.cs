using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orchestrator.Node.Tests.Tls;

/// <summary>
/// Certificates made at test time (ECDSA P-256: quick to generate) in a temporary directory of their own: a CA and
/// the node certificates it issues, self-signed certificates, written as PKCS#12 (.pfx) or PEM files.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    /// <summary>The password of every .pfx this class writes, unless told otherwise.</summary>
    public const string Password = "test-pfx-password-9f2c";

    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("orchestrator-tls-").FullName;

    /// <summary>The directory the files are written to; removed on dispose.</summary>
    public string Directory => _directory;

    /// <summary>A CA certificate (with its key) that can issue node certificates.</summary>
    public static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>A node certificate (with its key) for TLS server and client authentication, issued by <paramref name="ca"/>, or self-signed when null.</summary>
    public static X509Certificate2 CreateNode(string name, X509Certificate2? ca = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        bool clientAuthentication = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") };
        if (clientAuthentication) usages.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddDays(90);
        if (ca is null) return request.CreateSelfSigned(from, to);
        using var issued = request.Create(ca, from, to, RandomNumberGenerator.GetBytes(12));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes <paramref name="certificate"/> (and its key, when it has one) as a .pfx; returns the path.</summary>
    public string WritePfx(X509Certificate2 certificate, string name, string? password = Password)
    {
        var path = Path.Combine(_directory, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>Writes only the public part of <paramref name="certificate"/> as PEM; returns the path.</summary>
    public string WritePem(X509Certificate2 certificate, string name)
    {
        var path = Path.Combine(_directory, name + ".pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>Writes a file with <paramref name="content"/>; returns the path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>The settings that turn TLS on with <paramref name="pfx"/> (password <see cref="Password"/>) and, if given, the CA file.</summary>
    public static string[] Settings(string pfx, string? caPem = null, string? password = Password) =>
    [
        "--Remoting:Tls:Enabled=true",
        $"--Remoting:Tls:CertificatePath={pfx}",
        .. password is null ? Array.Empty<string>() : [$"--Remoting:Tls:CertificatePassword={password}"],
        .. caPem is null ? Array.Empty<string>() : [$"--Remoting:Tls:CaCertificatePath={caPem}"],
    ];

    public void Dispose()
    {
        try { System.IO.Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
