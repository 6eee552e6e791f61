using Akka.Actor;
using Akka.Hosting;
using Akka.Pattern;
using Akka.Persistence.Sql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

/// <summary>Adds the durable write queue to an Akka.Hosting actor system that has the orchestrator.</summary>
public static class WriteQueueHostingExtensions
{
    /// <summary>The name of the queue's backoff supervisor (<c>/user/write-queue</c>); the queue is its child.</summary>
    public const string SupervisorName = "write-queue";

    /// <summary>
    /// Starts the write queue with <paramref name="queue"/>, delivering to <paramref name="targets"/> (each must be a
    /// dependency declared by <c>WithOrchestrator</c> on this builder), and makes Akka.Persistence.Sql the actor
    /// system's journal and snapshot store. Call it after <c>WithOrchestrator</c>. Invalid settings, a target that is
    /// not declared, or a SQLite file that cannot be written throw <see cref="OrchestratorOptionsException"/> naming
    /// the setting before anything starts. The options are frozen when the actor system starts.
    /// </summary>
    /// <exception cref="OrchestratorOptionsException"><c>WithOrchestrator</c> was not called first, or a setting or target is invalid.</exception>
    public static AkkaConfigurationBuilder WithWriteQueue(this AkkaConfigurationBuilder builder, WriteQueueOptions queue,
        IEnumerable<IWriteTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(targets);
        var orchestrator = builder.OrchestratorOptionsOf() ?? throw new OrchestratorOptionsException([
            "WithWriteQueue needs the orchestrator: call WithOrchestrator(...) before it (the write targets must be its declared dependencies)."]);
        var list = targets.ToList();
        var errors = new List<string>(queue.GetErrors());
        foreach (var group in list.GroupBy(t => t.Name, StringComparer.Ordinal))
        {
            if (!orchestrator.Dependencies.ContainsKey(group.Key))
                errors.Add($"The write target '{group.Key}' is not a declared dependency ({OrchestratorOptions.SectionName}:Dependencies); " +
                    $"declared: {string.Join(", ", orchestrator.Dependencies.Keys)}.");
            if (group.Count() > 1) errors.Add($"The write target '{group.Key}' is given {group.Count()} times.");
        }
        if (errors.Count == 0) errors.AddRange(WriteQueueStorage.Prepare(queue));
        if (errors.Count > 0) throw new OrchestratorOptionsException(errors);

        return builder
            .AddHocon(WriteQueueStorage.Config(queue), HoconAddMode.Prepend)
            .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append)
            .AddStartup(async (system, registry) =>
            {
                queue.Validate().Freeze();
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var dependencies = await registry.GetAsync<DependencySupervisor>(limit.Token).ConfigureAwait(false);
                system.ActorOf(WriteQueueDeadLetters.Props(), WriteQueueDeadLetters.Name);
                var store = WriteQueueStorage.Describe(queue);
                var child = WriteQueueActor.Props(queue, list, dependencies, store, orchestrator.TimeProvider);
                var supervisor = system.ActorOf(BackoffSupervisor.Props(
                    Akka.Pattern.Backoff.OnStop(child, WriteQueueActor.Name, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, -1)
                        .WithReplyWhileStopped(new EnqueueFailed($"The write queue is not running (it stopped after a failure of the {store}); it restarts shortly."))),
                    SupervisorName);
                registry.Register<WriteQueueActor>(supervisor);
                StopDeliveriesOnShutdown(system, supervisor);
            });
    }

    /// <summary>How long the queue waits, when the actor system shuts down, for its deliveries in flight.</summary>
    public static readonly TimeSpan StopWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// When the actor system shuts down (coordinated shutdown, phase service-requests-done), the queue starts no more
    /// deliveries and waits up to <see cref="StopWait"/> for those in flight; what it holds is delivered after the next
    /// start. A host that must stop deliveries earlier (before its own HTTP server, say) sends
    /// <see cref="StopDeliveries"/> itself, or calls <see cref="IWriteQueue.StopDeliveriesAsync"/>; asking twice is harmless.
    /// </summary>
    private static void StopDeliveriesOnShutdown(ActorSystem system, IActorRef queue) =>
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "write-queue-stop-deliveries", async () =>
        {
            try
            {
                await queue.Ask<object>(new StopDeliveries(StopWait), StopWait + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                // Stopped or restarting: nothing is in flight that the next start would not deliver.
            }
            return Akka.Done.Instance;
        });

    /// <summary>
    /// Starts the write queue as <see cref="WithWriteQueue(AkkaConfigurationBuilder, WriteQueueOptions, IEnumerable{IWriteTarget})"/>
    /// does, with options bound from the <c>WriteQueue</c> child of <paramref name="orchestratorSection"/> (the
    /// <c>Orchestrator</c> section, the one given to <c>WithOrchestrator</c>: settings <c>Orchestrator:WriteQueue:*</c>),
    /// then changed by <paramref name="configure"/> if given.
    /// </summary>
    /// <exception cref="OrchestratorOptionsException">A key of <c>Orchestrator:WriteQueue</c> is unknown, a value is of the wrong type or invalid, a target is not declared, or <c>WithOrchestrator</c> was not called first; each error names the setting.</exception>
    public static AkkaConfigurationBuilder WithWriteQueue(this AkkaConfigurationBuilder builder, IConfiguration orchestratorSection,
        IEnumerable<IWriteTarget> targets, Action<WriteQueueOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(orchestratorSection);
        var queue = WriteQueueOptions.Bind(orchestratorSection);
        configure?.Invoke(queue);
        return builder.WithWriteQueue(queue, targets);
    }

    /// <summary>Registers <see cref="IWriteQueue"/>, the client of the write queue for code that is not an actor, unless it is registered already (calling it twice is harmless).</summary>
    public static IServiceCollection AddWriteQueue(this IServiceCollection services)
    {
        services.TryAddSingleton<IWriteQueue>(sp => new WriteQueueClient(sp.GetRequiredService<IRequiredActor<WriteQueueActor>>()));
        return services;
    }
}
