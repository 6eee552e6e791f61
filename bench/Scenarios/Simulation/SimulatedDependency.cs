using System.Diagnostics;

namespace Orchestrator.Bench.Scenarios.Simulation;

/// <summary>
/// An in-process stand-in for a remote dependency: a server with <see cref="Workers"/> workers and an unbounded
/// queue in front of them, whose behaviour (latency, outage) follows a script over the run's time. Like a real
/// server it does not see its callers give up: a call that a caller abandons keeps its place and its worker;
/// only the caller stops waiting. <see cref="Shutdown"/> ends whatever is still queued when a run is over. Which
/// calls of a slow tail (<see cref="DependencyBehaviour.SlowShare"/>) are slow is drawn from a random sequence seeded
/// by the dependency's name, so every way of a scenario meets the same sequence of draws.
/// </summary>
public sealed class SimulatedDependency
{
    private readonly Func<TimeSpan, DependencyBehaviour> _script;
    private readonly Stopwatch _clock;
    private readonly SemaphoreSlim _workers;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Random _draws;
    private readonly Lock _drawing = new();
    private long _calls;

    public SimulatedDependency(string name, int workers, Func<TimeSpan, DependencyBehaviour> script, Stopwatch clock)
    {
        Name = name;
        Workers = workers;
        _workers = new SemaphoreSlim(workers);
        _script = script;
        _clock = clock;
        _draws = new Random(StableSeed(name));
    }

    /// <summary>A seed from the name that is the same in every process (string hashes are not).</summary>
    private static int StableSeed(string name) => name.Aggregate(17, (seed, c) => unchecked(seed * 31 + c));

    public string Name { get; }

    /// <summary>How many calls it serves at a time.</summary>
    public int Workers { get; }

    /// <summary>Calls that reached it.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>How long a request with bad input takes to be refused (404), holding a worker.</summary>
    public static readonly TimeSpan RefusalTime = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// One call; <paramref name="cancellationToken"/> stops the caller's wait, not the server's work. A call with
    /// <paramref name="badInput"/> (an id that does not exist) is refused with a 404 after <see cref="RefusalTime"/>.
    /// </summary>
    public Task<string> CallAsync(CancellationToken cancellationToken, bool badInput = false)
    {
        Interlocked.Increment(ref _calls);
        var served = badInput ? RefuseAsync() : ServeAsync(_script(_clock.Elapsed));
        return cancellationToken.CanBeCanceled ? served.WaitAsync(cancellationToken) : served;
    }

    private async Task<string> RefuseAsync()
    {
        await _workers.WaitAsync(_shutdown.Token).ConfigureAwait(false);
        try
        {
            await Task.Delay(RefusalTime, _shutdown.Token).ConfigureAwait(false);
            throw new HttpRequestException($"{Name} answered 404: there is no such item", null, System.Net.HttpStatusCode.NotFound);
        }
        finally
        {
            _workers.Release();
        }
    }

    private async Task<string> ServeAsync(DependencyBehaviour behaviour)
    {
        if (behaviour.Down)
        {
            await Task.Delay(behaviour.FailAfter, _shutdown.Token).ConfigureAwait(false);
            throw new HttpRequestException($"{Name} is unavailable");
        }
        var latency = behaviour.SlowShare > 0 && Draw() < behaviour.SlowShare ? behaviour.SlowLatency : behaviour.Latency;
        await _workers.WaitAsync(_shutdown.Token).ConfigureAwait(false);
        try
        {
            // A slow call holds its worker all the time, as a healthy one does (and whether its caller still waits or not).
            await Task.Delay(latency, _shutdown.Token).ConfigureAwait(false);
            return Name;
        }
        finally
        {
            _workers.Release();
        }
    }

    private double Draw()
    {
        lock (_drawing) return _draws.NextDouble();
    }

    /// <summary>Ends every call still queued or served (after a run).</summary>
    public void Shutdown() => _shutdown.Cancel();
}
