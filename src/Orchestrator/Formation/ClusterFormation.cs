using Akka.Discovery.Config.Hosting;
using Akka.Discovery.KubernetesApi;
using Akka.Hosting;
using Akka.Management.Cluster.Bootstrap;
using Orchestrator.Node.Configuration;

namespace Orchestrator.Node.Formation;

/// <summary>
/// Forms the cluster with Akka.Management's Cluster Bootstrap (<c>Cluster:Bootstrap</c>): the discovery of contact
/// points (a fixed list, or the Kubernetes API) and the bootstrap itself, which joins an existing cluster whenever
/// any contact point is in one and forms a new one only when every contact point agrees there is none. The contact
/// point's HTTP route is served by <see cref="ManagementEndpoint"/>, which starts the bootstrap once it listens.
/// </summary>
public static class ClusterFormation
{
    /// <summary>Adds the discovery method and Cluster Bootstrap (not started: <see cref="ManagementEndpoint"/> starts it) to the node's actor system.</summary>
    public static AkkaConfigurationBuilder UseBootstrap(AkkaConfigurationBuilder akka, ClusterSettings cluster)
    {
        var bootstrap = cluster.Bootstrap;

        var options = new ClusterBootstrapOptions { NewClusterEnabled = true };
        var discovery = options.ContactPointDiscovery;
        discovery.ServiceName = bootstrap.ServiceName;
        discovery.RequiredContactPointsNr = bootstrap.EffectiveRequiredContactPoints;
        discovery.StableMargin = bootstrap.StableMargin;
        // Every discovered contact point must answer before a new cluster forms: one that is down might be in a cluster.
        discovery.ContactWithAllContactPoints = true;
        switch (bootstrap.Discovery)
        {
            case DiscoveryMethod.Config:
                akka.WithConfigDiscovery(new ConfigServiceDiscoveryOptions
                {
                    Services = [new Service { Name = bootstrap.ServiceName, Endpoints = bootstrap.ContactPoints.Select(c => c.Trim()).ToArray() }],
                });
                // Each contact point names its own port: probe them all, not only those on the default port.
                options.ContactPoint.FilterOnFallbackPort = false;
                break;
            case DiscoveryMethod.Kubernetes:
                akka.WithKubernetesDiscovery(new KubernetesDiscoveryOptions
                {
                    PodLabelSelector = bootstrap.PodLabelSelector,
                    PodNamespace = bootstrap.PodNamespace,
                });
                discovery.PortName = bootstrap.PortName;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(cluster), bootstrap.Discovery, "Cluster Bootstrap needs a discovery method.");
        }
        // Not auto-started: that would start Akka.Management's own HTTP server first (ManagementEndpoint replaces it).
        return akka.WithClusterBootstrap(options, autoStart: false);
    }
}
