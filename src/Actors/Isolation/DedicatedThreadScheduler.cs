using System.Collections.Concurrent;

namespace Orchestrator.Actors.Isolation;

/// <summary>
/// A <see cref="TaskScheduler"/> with threads of its own, for one dependency's work: code that blocks there
/// (synchronous I/O, a slow driver) uses up these threads only, never the shared thread pool that the actors and
/// the other dependencies run on. Continuations of the work's awaits stay on these threads too.
/// </summary>
internal sealed class DedicatedThreadScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _tasks = new();
    private readonly Thread[] _threads;

    /// <summary>Starts <paramref name="threads"/> background threads named after <paramref name="name"/>.</summary>
    public DedicatedThreadScheduler(string name, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Loop) { IsBackground = true, Name = $"orchestrator-{name}-{i}" };
            _threads[i].Start();
        }
    }

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => _threads.Length;

    private void Loop()
    {
        foreach (var task in _tasks.GetConsumingEnumerable()) TryExecuteTask(task);
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        try
        {
            _tasks.Add(task);
        }
        catch (InvalidOperationException)
        {
            // Disposed: finish the work on the shared pool rather than lose it.
            ThreadPool.UnsafeQueueUserWorkItem(t => TryExecuteTask(t), task, preferLocal: false);
        }
    }

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Array.IndexOf(_threads, Thread.CurrentThread) >= 0 && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();

    /// <summary>Lets the threads finish what is queued, then end.</summary>
    public void Dispose() => _tasks.CompleteAdding();
}
