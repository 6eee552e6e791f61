using Orchestrator.Actors.Hosting;
using Orchestrator.Node.Edge;
using Orchestrator.Node.Remoting;

namespace Orchestrator.Node.Configuration;

/// <summary>
/// The node's own settings (sections <c>Cluster</c>, <c>Downstream</c>, <c>Shop</c>, <c>Admin</c>, <c>Shutdown</c>,
/// <c>Edge</c>, <c>Storage</c> and <c>Remoting</c>), bound strictly and validated together at start-up. <paramref name="Tls"/>: the certificate and
/// trust anchors <c>Remoting:Tls</c> loaded, or null when TLS is off.
/// </summary>
public sealed record NodeSettings(ClusterSettings Cluster, DownstreamSettings Downstream, ShopSettings Shop, AdminSettings Admin, ShutdownSettings Shutdown,
    EdgeSettings Edge, StorageSettings Storage, RemotingTls? Tls)
{
    /// <summary>Binds and validates; throws <see cref="NodeConfigurationException"/> listing every problem.</summary>
    public static NodeSettings Load(IConfiguration configuration, string systemName)
    {
        var errors = new List<string>();

        var before = errors.Count;
        var cluster = StrictConfiguration.Bind(configuration.GetSection(ClusterSettings.SectionName), new ClusterSettings(), errors);
        if (errors.Count == before) cluster.Validate(systemName, errors);

        before = errors.Count;
        var remoting = StrictConfiguration.Bind(configuration.GetSection(RemotingSettings.SectionName), new RemotingSettings(), errors);
        var tls = errors.Count == before ? remoting.Tls.Load(cluster.SeedNodes, errors, TimeProvider.System) : null;

        before = errors.Count;
        var downstream = StrictConfiguration.Bind(configuration.GetSection(DownstreamSettings.SectionName), new DownstreamSettings(), errors);
        if (errors.Count == before) downstream.Validate(errors);

        before = errors.Count;
        var shop = StrictConfiguration.Bind(configuration.GetSection(ShopSettings.SectionName), new ShopSettings(), errors);
        if (errors.Count == before) shop.Validate(errors);

        before = errors.Count;
        var admin = StrictConfiguration.Bind(configuration.GetSection(AdminSettings.SectionName), new AdminSettings(), errors);
        if (errors.Count == before) admin.Validate(errors);

        before = errors.Count;
        var shutdown = StrictConfiguration.Bind(configuration.GetSection(ShutdownSettings.SectionName), new ShutdownSettings(), errors);
        if (errors.Count == before) shutdown.Validate(errors);

        before = errors.Count;
        var edge = StrictConfiguration.Bind(configuration.GetSection(EdgeSettings.SectionName), new EdgeSettings(), errors);
        if (errors.Count == before) edge.Validate(errors);

        before = errors.Count;
        var storage = StrictConfiguration.Bind(configuration.GetSection(StorageSettings.SectionName), new StorageSettings(), errors);
        if (errors.Count == before) storage.Validate(errors);

        if (errors.Count > 0) throw new NodeConfigurationException(errors);
        return new NodeSettings(cluster, downstream, shop, admin, shutdown, edge, storage, tls);
    }
}
