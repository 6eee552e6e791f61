namespace Orchestrator.Node.Configuration;

/// <summary>
/// How the node's Akka.Remote transport protects cluster traffic; section <c>Remoting</c>. Only <see cref="Tls"/>
/// so far (<c>Remoting:Tls:Enabled=true</c>, <c>Remoting__Tls__CertificatePath=/certs/node.pfx</c>, ...). Where
/// remoting listens and which seeds it joins stay in <see cref="ClusterSettings"/>.
/// </summary>
public sealed class RemotingSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Remoting";

    /// <summary>Mutual TLS between nodes (section <c>Remoting:Tls</c>). Default: off.</summary>
    public RemotingTlsSettings Tls { get; set; } = new();
}
