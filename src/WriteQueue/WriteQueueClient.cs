using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

/// <summary><see cref="IWriteQueue"/> over asks to the queue found in the Akka.Hosting registry (or given).</summary>
internal sealed class WriteQueueClient : IWriteQueue
{
    /// <summary>How long an enqueue waits for the queue to store the write.</summary>
    public static readonly TimeSpan EnqueueTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);
    private readonly IActorRef? _queue;
    private readonly IRequiredActor<WriteQueueActor>? _required;

    /// <summary>A client of <paramref name="queue"/>.</summary>
    public WriteQueueClient(IActorRef queue) => _queue = queue ?? throw new ArgumentNullException(nameof(queue));

    /// <summary>A client of the queue registered by <c>WithWriteQueue</c>.</summary>
    public WriteQueueClient(IRequiredActor<WriteQueueActor> required) => _required = required ?? throw new ArgumentNullException(nameof(required));

    private async ValueTask<IActorRef> Queue(CancellationToken ct) => _queue ?? await _required!.GetAsync(ct).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<EnqueueResult> EnqueueAsync(EnqueueWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var queue = await Queue(cancellationToken).ConfigureAwait(false);
        try
        {
            return await queue.Ask<object>(write, EnqueueTimeout, cancellationToken).ConfigureAwait(false) switch
            {
                AcceptedForProcessing a => new EnqueueResult(a.Id, null) { AlreadyQueued = a.AlreadyQueued },
                EnqueueFailed f => new EnqueueResult(null, f.Error),
                var other => new EnqueueResult(null, $"The write queue answered {other.GetType().Name} to an enqueue."),
            };
        }
        catch (AskTimeoutException)
        {
            return new EnqueueResult(null,
                $"The write queue did not answer within {EnqueueTimeout.TotalSeconds:0} s; the write may not be stored. Enqueue it again with the same idempotency key.");
        }
    }

    /// <inheritdoc />
    public async Task<DeliveriesStopped> StopDeliveriesAsync(TimeSpan wait, CancellationToken cancellationToken = default)
    {
        if (wait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(wait), wait, "The wait may not be negative.");
        var queue = await Queue(cancellationToken).ConfigureAwait(false);
        var answer = await queue.Ask<object>(new StopDeliveries(wait), wait + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        return answer as DeliveriesStopped
            ?? throw new InvalidOperationException($"The write queue answered {answer.GetType().Name} to {nameof(StopDeliveries)}.");
    }

    /// <inheritdoc />
    public Task<WriteQueueStatus> StatusAsync(CancellationToken cancellationToken = default) => Query<WriteQueueStatus>(GetWriteQueueStatus.Instance, cancellationToken);

    /// <inheritdoc />
    public Task<PoisonList> PoisonedAsync(CancellationToken cancellationToken = default) => Query<PoisonList>(GetPoisonList.Instance, cancellationToken);

    /// <inheritdoc />
    public async Task<WriteEntry?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        await Query<object>(new GetWriteEntry(id), cancellationToken).ConfigureAwait(false) as WriteEntry;

    /// <inheritdoc />
    public async Task<bool> RedriveAsync(string id, CancellationToken cancellationToken = default) =>
        await Query<object>(new RedrivePoisoned(id), cancellationToken).ConfigureAwait(false) is PoisonCommandDone;

    /// <inheritdoc />
    public async Task<bool> DropAsync(string id, CancellationToken cancellationToken = default) =>
        await Query<object>(new DropPoisoned(id), cancellationToken).ConfigureAwait(false) is PoisonCommandDone;

    private async Task<T> Query<T>(object message, CancellationToken ct)
    {
        var queue = await Queue(ct).ConfigureAwait(false);
        var answer = await queue.Ask<object>(message, QueryTimeout, ct).ConfigureAwait(false);
        return answer switch
        {
            T value => value,
            EnqueueFailed unavailable => throw new InvalidOperationException(unavailable.Error),
            _ => throw new InvalidOperationException($"The write queue answered {answer.GetType().Name} to {message.GetType().Name}."),
        };
    }
}
