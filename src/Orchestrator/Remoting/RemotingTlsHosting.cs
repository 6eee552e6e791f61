using Akka.Remote.Hosting;

namespace Orchestrator.Node.Remoting;

/// <summary>Wires <see cref="RemotingTls"/> into the node: its services, and Akka.Remote's TLS options.</summary>
public static class RemotingTlsHosting
{
    /// <summary>Registers <paramref name="tls"/> and its <see cref="PeerCertificateValidator"/>; nothing when TLS is off (null).</summary>
    public static IServiceCollection AddRemotingTls(this IServiceCollection services, RemotingTls? tls)
    {
        if (tls is null) return services;
        services.AddSingleton(tls);
        services.AddSingleton<PeerCertificateValidator>();
        return services;
    }

    /// <summary>
    /// Turns on DotNetty's TLS (<c>akka.ssl.tcp</c>) with mutual authentication when <see cref="AddRemotingTls"/>
    /// registered a certificate: the node presents its certificate both as server and as client, requires one from
    /// every client, and checks every peer's with <see cref="PeerCertificateValidator"/> (no host name check). Logs
    /// which certificate, and warns when it expires within 30 days. TLS off: <paramref name="options"/> unchanged.
    /// </summary>
    public static RemoteOptions WithTls(this RemoteOptions options, IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RemotingTls));
        if (services.GetService<RemotingTls>() is not { } tls)
        {
            logger.LogInformation("Remoting TLS off: cluster traffic is plain TCP (akka.tcp); set Remoting:Tls to require the cluster's certificate");
            return options;
        }
        var validator = services.GetRequiredService<PeerCertificateValidator>();
        options.EnableSsl = true;
        options.Ssl = new SslOptions
        {
            X509Certificate = tls.Certificate,
            RequireMutualAuthentication = true,
            SuppressValidation = false,
            ValidateCertificateHostname = false,
            CustomValidator = validator.Validate,
        };

        var certificate = tls.Certificate;
        logger.LogInformation("Remoting TLS on (mutual, akka.ssl.tcp): certificate {Subject} {Thumbprint}, expires {NotAfter:u}; peers must chain to {TrustAnchor}",
            certificate.Subject, certificate.Thumbprint, certificate.NotAfter.ToUniversalTime(), tls.TrustDescription);
        var left = certificate.NotAfter.ToUniversalTime() - services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        if (left < TimeSpan.FromDays(30))
            logger.LogWarning("Remoting TLS: the certificate {Subject} {Thumbprint} expires in {Days:0.#} days ({NotAfter:u}); a node with an expired certificate cannot start, and peers refuse it",
                certificate.Subject, certificate.Thumbprint, left.TotalDays, certificate.NotAfter.ToUniversalTime());
        return options;
    }
}
