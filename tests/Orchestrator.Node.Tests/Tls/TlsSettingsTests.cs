using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Remoting;

namespace Orchestrator.Node.Tests.Tls;

/// <summary>Remoting:Tls is checked at start-up: each problem stops the node with a message naming the setting and the file (never the password).</summary>
public sealed class TlsSettingsTests : IDisposable
{
    private readonly TestCertificates _files = new();

    public void Dispose() => _files.Dispose();

    private static NodeConfigurationException Refused(params string[] args) =>
        Assert.Throws<NodeConfigurationException>(() => NodeHost.Build(NodeFixture.Args(args)));

    private string SelfSignedPfx(string name = "cluster")
    {
        using var certificate = TestCertificates.CreateNode("orchestrator-cluster");
        return _files.WritePfx(certificate, name);
    }

    [Fact]
    public void Enabled_without_a_certificate_path_is_refused()
    {
        var e = Refused("--Remoting:Tls:Enabled=true");
        Assert.Contains("Remoting:Tls:CertificatePath is required when Remoting:Tls:Enabled is true", Assert.Single(e.Errors));
    }

    [Fact]
    public void A_missing_certificate_file_is_refused_naming_the_setting_and_the_path()
    {
        var missing = Path.Combine(_files.Directory, "nope.pfx");
        var error = Assert.Single(Refused(TestCertificates.Settings(missing)).Errors);
        Assert.StartsWith("Remoting:Tls:CertificatePath:", error);
        Assert.Contains($"'{missing}' does not exist", error);
    }

    [Fact]
    public void A_wrong_password_is_refused_naming_both_settings_but_not_the_password()
    {
        const string wrong = "not-the-password-42";
        var error = Assert.Single(Refused(TestCertificates.Settings(SelfSignedPfx(), password: wrong)).Errors);
        Assert.StartsWith("Remoting:Tls:CertificatePath:", error);
        Assert.Contains("cannot be opened as a PKCS#12", error);
        Assert.Contains("check Remoting:Tls:CertificatePassword", error);
        Assert.DoesNotContain(wrong, error);
    }

    [Fact]
    public void A_missing_password_is_refused_naming_the_password_setting()
    {
        var error = Assert.Single(Refused(TestCertificates.Settings(SelfSignedPfx(), password: null)).Errors);
        Assert.Contains("Remoting:Tls:CertificatePassword is not set", error);
    }

    [Fact]
    public void A_file_that_is_no_pkcs12_is_refused()
    {
        var error = Assert.Single(Refused(TestCertificates.Settings(_files.WriteFile("node.pfx", "hello"))).Errors);
        Assert.StartsWith("Remoting:Tls:CertificatePath:", error);
        Assert.Contains("cannot be opened as a PKCS#12", error);
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused()
    {
        using var full = TestCertificates.CreateNode("orchestrator-cluster");
        using var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(full.RawData);
        var error = Assert.Single(Refused(TestCertificates.Settings(_files.WritePfx(publicOnly, "public"))).Errors);
        Assert.StartsWith("Remoting:Tls:CertificatePath:", error);
        Assert.Contains("has no private key", error);
        Assert.Contains(full.Thumbprint, error);
    }

    [Fact]
    public void An_expired_certificate_is_refused_naming_its_end_date()
    {
        using var expired = TestCertificates.CreateNode("orchestrator-cluster", notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var error = Assert.Single(Refused(TestCertificates.Settings(_files.WritePfx(expired, "expired"))).Errors);
        Assert.StartsWith("Remoting:Tls:CertificatePath:", error);
        Assert.Contains($"expired on {expired.NotAfter.ToUniversalTime():u}", error);
    }

    [Fact]
    public void A_certificate_not_allowed_for_client_authentication_is_refused()
    {
        using var serverOnly = TestCertificates.CreateNode("orchestrator-cluster", clientAuthentication: false);
        var error = Assert.Single(Refused(TestCertificates.Settings(_files.WritePfx(serverOnly, "server-only"))).Errors);
        Assert.StartsWith("Remoting:Tls:CertificatePath:", error);
        Assert.Contains("the self-signed certificate", error);
        Assert.Contains("NotValidForUsage", error);
        Assert.Contains("must allow both TLS server and client authentication", error);
    }

    [Fact]
    public void A_ca_issued_certificate_without_the_ca_setting_is_refused()
    {
        using var ca = TestCertificates.CreateCa("Orchestrator test CA");
        using var node = TestCertificates.CreateNode("node-one", ca);
        var error = Assert.Single(Refused(TestCertificates.Settings(_files.WritePfx(node, "one"))).Errors);
        Assert.Contains("is not self-signed", error);
        Assert.Contains("Set Remoting:Tls:CaCertificatePath", error);
    }

    [Fact]
    public void A_certificate_from_another_ca_is_refused()
    {
        using var ca = TestCertificates.CreateCa("Orchestrator test CA");
        using var otherCa = TestCertificates.CreateCa("Other CA");
        using var node = TestCertificates.CreateNode("node-one", otherCa);
        var caPem = _files.WritePem(ca, "ca");
        var error = Assert.Single(Refused(TestCertificates.Settings(_files.WritePfx(node, "one"), caPem)).Errors);
        Assert.Contains($"does not chain to the CA in Remoting:Tls:CaCertificatePath '{caPem}'", error);
    }

    [Fact]
    public void A_missing_ca_file_is_refused_naming_the_setting()
    {
        var missing = Path.Combine(_files.Directory, "ca.pem");
        var error = Assert.Single(Refused(TestCertificates.Settings(SelfSignedPfx(), missing)).Errors);
        Assert.StartsWith("Remoting:Tls:CaCertificatePath:", error);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public void With_tls_on_a_plain_seed_address_is_refused_with_the_address_to_use()
    {
        var error = Assert.Single(Refused([.. TestCertificates.Settings(SelfSignedPfx()), "--Cluster:SeedNodes:0=akka.tcp://orchestrator@node1:4053"]).Errors);
        Assert.StartsWith("Cluster:SeedNodes:0: 'akka.tcp://orchestrator@node1:4053' is a plain akka.tcp address, but Remoting:Tls:Enabled is true", error);
        Assert.Contains("'akka.ssl.tcp://orchestrator@node1:4053'", error);
    }

    [Fact]
    public void With_tls_off_a_tls_seed_address_is_refused()
    {
        var error = Assert.Single(Refused("--Cluster:SeedNodes:0=akka.ssl.tcp://orchestrator@node1:4053").Errors);
        Assert.StartsWith("Cluster:SeedNodes:0: 'akka.ssl.tcp://orchestrator@node1:4053' is a TLS (akka.ssl.tcp) address, but Remoting:Tls:Enabled is false", error);
    }

    [Fact]
    public void An_unknown_tls_setting_is_refused()
    {
        var e = Refused("--Remoting:Tls:CertificatPath=/x.pfx");
        Assert.Contains("CertificatPath", Assert.Single(e.Errors));
    }

    [Fact]
    public async Task Good_tls_settings_with_tls_seeds_are_accepted()
    {
        using var ca = TestCertificates.CreateCa("Orchestrator test CA");
        using var node = TestCertificates.CreateNode("node-one", ca);
        await using var app = NodeHost.Build(NodeFixture.Args([
            .. TestCertificates.Settings(_files.WritePfx(node, "one"), _files.WritePem(ca, "ca")),
            "--Cluster:SeedNodes:0=akka.ssl.tcp://orchestrator@node1:4053"]));
        var tls = app.Services.GetRequiredService<RemotingTls>();
        Assert.Equal(node.Thumbprint, tls.Certificate.Thumbprint);
        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.Equal(ca.Thumbprint, Assert.Single(tls.TrustAnchors).Thumbprint);
    }

    [Fact]
    public async Task The_checked_in_demo_certificate_and_the_compose_settings_are_accepted()
    {
        // docker-compose.yml's TLS settings, with its file secret's path on this machine (the port is any free one here).
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "docker-compose.yml"))) root = root.Parent ?? throw new InvalidOperationException("no docker-compose.yml above the tests");
        var compose = File.ReadAllText(Path.Combine(root.FullName, "docker-compose.yml"));
        string Value(string pattern) => Regex.Match(compose, pattern, RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value.Trim() : throw new InvalidOperationException($"docker-compose.yml has no {pattern}");
        Assert.Equal("\"true\"", Value(@"^\s*Remoting__Tls__Enabled:(.*)$"));
        Assert.Equal("/run/secrets/cluster.pfx", Value(@"^\s*Remoting__Tls__CertificatePath:(.*)$"));
        var pfx = Path.Combine(root.FullName, Value(@"^\s*file:\s*\./(deploy/demo-certs/cluster\.pfx)\s*$"));
        var contactPoint = Value(@"^\s*Cluster__Bootstrap__ContactPoints__0:(.*)$");

        await using var app = NodeHost.Build(NodeFixture.Args(
            "--Cluster:Hostname=0.0.0.0", "--Cluster:PublicHostname=node1",
            "--Cluster:Bootstrap:Discovery=Config", $"--Cluster:Bootstrap:ContactPoints:0={contactPoint}",
            "--Remoting:Tls:Enabled=true", $"--Remoting:Tls:CertificatePath={pfx}",
            $"--Remoting:Tls:CertificatePassword={Value(@"^\s*Remoting__Tls__CertificatePassword:(.*)$")}"));
        var tls = app.Services.GetRequiredService<RemotingTls>();
        Assert.Contains("DEMO ONLY", tls.Certificate.Subject);
        Assert.Null(tls.CaCertificatePath); // self-signed: it is its own trust anchor
        Assert.True(tls.Certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddDays(30),
            $"deploy/demo-certs/cluster.pfx expires on {tls.Certificate.NotAfter:u}: make a new one (deploy/demo-certs/README.md)");
    }

    [Fact]
    public async Task Without_tls_settings_the_node_has_no_tls()
    {
        await using var app = NodeHost.Build(NodeFixture.Args());
        Assert.Null(app.Services.GetService<RemotingTls>());
    }
}
