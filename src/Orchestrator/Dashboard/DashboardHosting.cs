using Akka.Hosting;
using Orchestrator.Clustering.Dashboard;

namespace Orchestrator.Node.Dashboard;

/// <summary>Registers the live cluster dashboard: <c>GET /dashboard</c>, <c>GET /dashboard/events</c> and <c>/user/dashboard</c>.</summary>
public static class DashboardHosting
{
    /// <summary>The call window and its meter listener.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, Edge.DashboardStreamSettings streams)
    {
        services.AddSingleton(sp => new CallListener(new CallWindow(TimeProvider.System)));
        services.AddSingleton(new DashboardStreams(streams));
        return services;
    }

    /// <summary>Starts <c>/user/dashboard</c> (<see cref="DashboardActor"/>) on every node.</summary>
    public static AkkaConfigurationBuilder WithDashboard(this AkkaConfigurationBuilder akka, IServiceProvider services) =>
        akka.WithActors((system, registry) =>
            registry.Register<DashboardActor>(system.ActorOf(
                DashboardActor.Props(services.GetRequiredService<CallListener>().Window, TimeProvider.System), DashboardActor.Name)));
}
