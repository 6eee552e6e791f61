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
    /// Starts the write queue with <c>options.WriteQueue</c>, delivering to <paramref name="targets"/> (each must be a
    /// declared dependency), and makes Akka.Persistence.Sql the actor system's journal and snapshot store. Call it
    /// after <c>WithOrchestrator</c>. Invalid settings, or a SQLite file that cannot be written, throw
    /// <see cref="OrchestratorOptionsException"/> naming the setting before anything starts.
    /// </summary>
    public static AkkaConfigurationBuilder WithWriteQueue(this AkkaConfigurationBuilder builder, OrchestratorOptions options,
        IEnumerable<IWriteTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(targets);
        var list = targets.ToList();
        var errors = new List<string>(options.GetErrors());
        foreach (var group in list.GroupBy(t => t.Name, StringComparer.Ordinal))
        {
            if (!options.Dependencies.ContainsKey(group.Key))
                errors.Add($"The write target '{group.Key}' is not a declared dependency ({OrchestratorOptions.SectionName}:Dependencies); " +
                    $"declared: {string.Join(", ", options.Dependencies.Keys)}.");
            if (group.Count() > 1) errors.Add($"The write target '{group.Key}' is given {group.Count()} times.");
        }
        if (errors.Count == 0) errors.AddRange(WriteQueueStorage.Prepare(options.WriteQueue));
        if (errors.Count > 0) throw new OrchestratorOptionsException(errors);

        var queue = options.WriteQueue;
        return builder
            .AddHocon(WriteQueueStorage.Config(queue), HoconAddMode.Prepend)
            .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append)
            .AddStartup(async (system, registry) =>
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var dependencies = await registry.GetAsync<DependencySupervisor>(limit.Token).ConfigureAwait(false);
                system.ActorOf(WriteQueueDeadLetters.Props(), WriteQueueDeadLetters.Name);
                var store = WriteQueueStorage.Describe(queue);
                var child = WriteQueueActor.Props(queue, list, dependencies, store, options.TimeProvider);
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
    /// Starts the write queue with options bound from <paramref name="section"/> (usually the <c>Orchestrator</c>
    /// section, the one given to <c>WithOrchestrator</c>), then changed by <paramref name="configure"/> (give it the
    /// same code that declares dependencies for <c>WithOrchestrator</c>, so the targets are declared).
    /// </summary>
    public static AkkaConfigurationBuilder WithWriteQueue(this AkkaConfigurationBuilder builder, IConfiguration section,
        IEnumerable<IWriteTarget> targets, Action<OrchestratorOptions>? configure = null)
    {
        var options = OrchestratorOptionsBinder.Bind(section);
        configure?.Invoke(options);
        return builder.WithWriteQueue(options, targets);
    }

    /// <summary>Registers <see cref="IWriteQueue"/>, the client of the write queue for code that is not an actor, unless it is registered already (calling it twice is harmless).</summary>
    public static IServiceCollection AddWriteQueue(this IServiceCollection services)
    {
        services.TryAddSingleton<IWriteQueue>(sp => new WriteQueueClient(sp.GetRequiredService<IRequiredActor<WriteQueueActor>>()));
        return services;
    }
}
