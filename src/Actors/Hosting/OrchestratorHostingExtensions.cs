using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Root;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Hosting;

/// <summary>Adds the orchestrator to an Akka.Hosting actor system.</summary>
public static class OrchestratorHostingExtensions
{
    /// <summary>How long start-up waits for the orchestrator's guardian to create its children.</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    /// <summary>The orchestrator declared on each builder: one per actor system, whatever the number of calls.</summary>
    private static readonly ConditionalWeakTable<AkkaConfigurationBuilder, OrchestratorOptions> Declared = new();

    /// <summary>The configuration sections each builder's orchestrator was bound from, in order: watched for reloads.</summary>
    private static readonly ConditionalWeakTable<AkkaConfigurationBuilder, List<BoundSection>> Bound = new();

    /// <summary>
    /// Starts the orchestrator (<c>/user/orchestrator</c>) with <paramref name="options"/>, validated first: invalid
    /// options throw <see cref="OrchestratorOptionsException"/>, naming each bad setting, before anything starts.
    /// When the actor system starts, the options are validated again and frozen (changing them then throws
    /// <see cref="InvalidOperationException"/>), and the dependencies supervisor and priority coordinator are in the
    /// <see cref="ActorRegistry"/> before any later <c>WithActors</c> callback runs.
    /// </summary>
    /// <remarks>
    /// Idempotent: the orchestrator starts once per actor system. Calling it again with the same options changes
    /// nothing; with other options it throws <see cref="OrchestratorOptionsException"/> (add to the first options with
    /// <see cref="WithOrchestrator(AkkaConfigurationBuilder, Action{OrchestratorOptions})"/> instead).
    /// </remarks>
    public static AkkaConfigurationBuilder WithOrchestrator(this AkkaConfigurationBuilder builder, OrchestratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (Declared.TryGetValue(builder, out var declared))
        {
            if (!ReferenceEquals(declared, options))
                throw new OrchestratorOptionsException([
                    "WithOrchestrator was called again with other options: an actor system has one orchestrator. Declare everything in one " +
                    "OrchestratorOptions, or add to the first with WithOrchestrator(options => ...)."]);
            declared.Validate();
            return builder;
        }
        options.Validate();
        Declared.Add(builder, options);
        var bound = Bound.GetOrCreateValue(builder);
        return builder.WithActors(new ActorStarter((system, registry) => StartAsync(system, registry, options, bound)));
    }

    /// <summary>
    /// Starts the orchestrator with options declared in code. Called again on the same builder, it adds to the
    /// options of the first call (so that each part of an application can declare its own dependencies).
    /// </summary>
    public static AkkaConfigurationBuilder WithOrchestrator(this AkkaConfigurationBuilder builder, Action<OrchestratorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        if (Declared.TryGetValue(builder, out var declared))
        {
            // Added to the first declaration: validated with everything else when the actor system starts (one
            // part may name a dependency that a later part declares).
            configure(declared);
            return builder;
        }
        var options = new OrchestratorOptions();
        configure(options);
        return builder.WithOrchestrator(options);
    }

    /// <summary>
    /// Starts the orchestrator with options bound from <paramref name="section"/> (usually the <c>Orchestrator</c>
    /// section of appsettings.json), then changed by <paramref name="configure"/> if given. Called again on the same
    /// builder, it binds into the options of the first call.
    /// </summary>
    /// <remarks>
    /// The section is watched: when its configuration reloads, the dependencies' settings whose configured values
    /// changed take effect on the next call, validated as at start (invalid ones are refused, the running ones kept,
    /// and the refusal logged and shown in the status). See <see cref="ChangeDependencyOptions"/> and docs/configuration.md#reload.
    /// </remarks>
    public static AkkaConfigurationBuilder WithOrchestrator(this AkkaConfigurationBuilder builder, IConfiguration section,
        Action<OrchestratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (Declared.TryGetValue(builder, out var declared))
        {
            OrchestratorOptionsBinder.Bind(section, declared);
            configure?.Invoke(declared);
            Bound.GetOrCreateValue(builder).Add(BoundSection.Of(section));
            return builder; // validated with everything else when the actor system starts
        }
        var options = OrchestratorOptionsBinder.Bind(section);
        configure?.Invoke(options);
        builder.WithOrchestrator(options);
        Bound.GetOrCreateValue(builder).Add(BoundSection.Of(section));
        return builder;
    }

    /// <summary>The options <c>WithOrchestrator</c> declared on <paramref name="builder"/>; null before it is called.</summary>
    internal static OrchestratorOptions? OrchestratorOptionsOf(this AkkaConfigurationBuilder builder) =>
        Declared.TryGetValue(builder, out var options) ? options : null;

    /// <summary>Registers <see cref="IGuardedCalls"/>, the typed client for code that is not an actor, unless it is registered already (calling it twice is harmless).</summary>
    public static IServiceCollection AddGuardedCalls(this IServiceCollection services)
    {
        services.TryAddSingleton<IGuardedCalls>(sp =>
            new GuardedCallsClient(sp.GetRequiredService<IRequiredActor<DependencySupervisor>>()));
        return services;
    }

    /// <summary>
    /// Registers <see cref="IChaos"/>, the client that injects faults into the dependencies (refused unless
    /// <c>Orchestrator:Chaos:Enabled</c> is true), unless it is registered already.
    /// </summary>
    public static IServiceCollection AddChaos(this IServiceCollection services)
    {
        services.TryAddSingleton<IChaos>(sp => new ChaosClient(sp.GetRequiredService<IRequiredActor<DependencySupervisor>>()));
        return services;
    }

    private static async Task StartAsync(ActorSystem system, IActorRegistry registry, OrchestratorOptions options, List<BoundSection> bound)
    {
        options.Validate().Freeze();
        var guardian = system.ActorOf(OrchestratorGuardian.Props(new OrchestratorRuntime(options), registry), OrchestratorGuardian.Name);
        registry.Register<OrchestratorGuardian>(guardian);
        // Akka.Hosting awaits its actor starters one after another: awaiting the children here (a few milliseconds,
        // blocking no thread) puts them in the registry before any later starter looks.
        var children = await guardian.Ask<OrchestratorChildren>(GetOrchestratorChildren.Instance, StartLimit).ConfigureAwait(false);
        registry.Register<DependencySupervisor>(children.Dependencies, overwrite: true);
        registry.Register<PriorityCoordinator>(children.Coordinator, overwrite: true);
        if (bound.Count > 0)
            system.ActorOf(ConfigurationWatcher.Props([.. bound], children.Dependencies, [.. options.Dependencies.Keys]), "orchestrator-configuration");
    }
}
