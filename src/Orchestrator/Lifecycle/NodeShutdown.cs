using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Orchestrator.WriteQueue;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Shop.Orders;

namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// Stops the node in order on SIGTERM or Ctrl-C, before any hosted service stops (the host runs every
/// <see cref="IHostedLifecycleService.StoppingAsync"/> first):
/// <list type="number">
/// <item>readiness (<c>/health/ready</c>) turns 503 at once, so that load balancers take the node out;</item>
/// <item>for <see cref="ShutdownSettings.DrainPeriod"/> the node goes on serving, every answer with
/// <c>Connection: close</c>, so that keep-alive clients leave after their answer instead of meeting a closed listener;</item>
/// <item>then new requests are answered 503 at once with <c>Retry-After</c> (<see cref="StopGate"/>), for half a second
/// (<see cref="RefusalWindow"/>) before the listener closes, so that a client caught connecting is answered rather than
/// reset; and the requests in flight finish, each within its own deadline, for at most <see cref="ShutdownSettings.DrainTimeout"/>;</item>
/// <item>the write queue starts no new delivery and waits for those in flight, at most <see cref="ShutdownSettings.WriteQueueWait"/>
/// (what it holds is stored, and delivered after the next start);</item>
/// <item>the order book confirms that every order event is written;</item>
/// </list>
/// then the host stops its services, and the actor system's coordinated shutdown leaves the cluster and terminates.
/// Each step is logged with its duration; a step that fails is logged and the stop goes on.
/// </summary>
public sealed partial class NodeShutdown(NodeLifecycle lifecycle, ShutdownSettings settings, IWriteQueue writeQueue, OrderStore orders, IServer server,
    Akka.Actor.ActorSystem system, IServiceProvider services, TimeProvider time, ILogger<NodeShutdown> log) : IHostedLifecycleService
{
    /// <summary>After the drain period, how long the listener stays open answering new requests 503 before it closes.</summary>
    public static readonly TimeSpan RefusalWindow = TimeSpan.FromMilliseconds(500);

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<ClusterReadiness>(); // its freeze detector and its log of serving changes run from now
        lifecycle.MarkReady();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        // A node the cluster removed, or whose journal cannot be read, stops serving at once: there is nothing to drain for.
        if (!lifecycle.IsStopping)
        {
            lifecycle.MarkDraining();
            LogDraining(lifecycle.InFlight, settings.DrainPeriod);
            try
            {
                await Task.Delay(settings.DrainPeriod, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // the host's own limit came first: go on with the stop
            }
        }

        lifecycle.MarkStopping();
        LogStopping(lifecycle.InFlight, watch.ElapsedMilliseconds, settings.DrainTimeout);
        await StepAsync("HTTP server", async () =>
        {
            // For a moment the listener stays open, answering new requests 503 with Retry-After and closing their
            // connections: a client already connecting is answered (and waits) rather than reset by a closing socket.
            await Task.Delay(RefusalWindow, time, cancellationToken);
            // The listener closes at once; Kestrel waits for the requests in flight until the token is cancelled.
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(settings.DrainTimeout + TimeSpan.FromSeconds(1));
            var serverStopped = server.StopAsync(limit.Token);
            var left = await lifecycle.WaitForDrainAsync(settings.DrainTimeout, time, cancellationToken);
            if (left == 0) LogDrained(watch.ElapsedMilliseconds);
            else LogNotDrained(left, settings.DrainTimeout);
            await serverStopped;
        });

        var actorsGone = system.WhenTerminated.IsCompleted; // the cluster downed this node: nothing to ask the actors
        if (actorsGone) LogActorSystemGone();

        if (!actorsGone) await StepAsync("write queue", async () =>
        {
            var stopped = await writeQueue.StopDeliveriesAsync(settings.WriteQueueWait, cancellationToken);
            LogQueueStopped(stopped.Depth, stopped.StillInFlight);
        });

        if (!actorsGone) await StepAsync("order book", async () =>
        {
            var flushed = await orders.FlushAsync(cancellationToken);
            LogOrdersFlushed(flushed.Orders);
        });

        LogStoppingDone(watch.ElapsedMilliseconds);
    }

    private async Task StepAsync(string step, Func<Task> run)
    {
        try
        {
            await run();
        }
        catch (Exception e)
        {
            LogStepFailed(step, e.GetBaseException().Message);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "The node is stopping: readiness is off; for {DrainPeriod} it goes on serving ({InFlight} requests in flight), every answer closing its connection")]
    private partial void LogDraining(int inFlight, TimeSpan drainPeriod);

    [LoggerMessage(Level = LogLevel.Information, Message = "The drain period is over after {ElapsedMs} ms: new requests are refused and the listener closes; {InFlight} requests in flight may take up to {DrainTimeout} to finish")]
    private partial void LogStopping(int inFlight, long elapsedMs, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every request in flight was answered after {ElapsedMs} ms")]
    private partial void LogDrained(long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{InFlight} requests were still in flight after {DrainTimeout}; the stop goes on and the HTTP server closes their connections")]
    private partial void LogNotDrained(int inFlight, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "The write queue delivers no more: {Depth} writes wait for the next start, {StillInFlight} deliveries unfinished")]
    private partial void LogQueueStopped(int depth, int stillInFlight);

    [LoggerMessage(Level = LogLevel.Information, Message = "The order book has written every order event ({Orders} orders)")]
    private partial void LogOrdersFlushed(int orders);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The actor system has already stopped (the cluster downed or removed this node): the write queue and the order book hold what they stored")]
    private partial void LogActorSystemGone();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping the {Step} failed: {Error}; the stop goes on")]
    private partial void LogStepFailed(string step, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "The node has stopped taking work after {ElapsedMs} ms; it leaves the cluster and stops its actor system")]
    private partial void LogStoppingDone(long elapsedMs);
}
