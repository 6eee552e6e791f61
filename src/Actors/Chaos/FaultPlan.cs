using System.Text.Json;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Chaos;

/// <summary>
/// The fault injected into one dependency, as its actor published it on the dependency's handle: every path that runs
/// the dependency's work (the caller's, the actor's, the probe's) wraps the work with it. Immutable but for its count
/// of calls affected; a new injection is a new plan.
/// </summary>
internal sealed class FaultPlan : IWorkWrapper
{
    private static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web);
    private readonly string _dependency;
    private readonly TimeProvider _time;
    private readonly string _kind;
    private long _affected;

    public FaultPlan(string dependency, Fault fault, long id, DateTimeOffset since, DateTimeOffset? until, TimeProvider time)
    {
        _dependency = dependency;
        Fault = fault;
        Id = id;
        Since = since;
        Until = until;
        _time = time;
        _kind = fault.Kind.ToString().ToLowerInvariant();
    }

    public Fault Fault { get; }

    /// <summary>Tells this injection from a later one (an expiry timer ends only its own).</summary>
    public long Id { get; }

    public DateTimeOffset Since { get; }

    public DateTimeOffset? Until { get; }

    public FaultStatus Status() => new(Fault, Since, Until, Volatile.Read(ref _affected));

    /// <inheritdoc />
    /// <remarks>Whether a call is affected is drawn, and counted, when its attempt starts the work (after its timeout is armed).</remarks>
    public Func<CancellationToken, Task<T>> Wrap<T>(Func<CancellationToken, Task<T>> work) => ct => Run(work, ct);

    private Task<T> Run<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        if (Fault.Rate < 1 && Random.Shared.NextDouble() >= Fault.Rate) return work(ct);
        Interlocked.Increment(ref _affected);
        OrchestratorMetrics.FaultApplied(_dependency, _kind);
        return Fault.Kind switch
        {
            FaultKind.Error => Task.FromException<T>(new InjectedFaultException($"A fault injected into '{_dependency}' failed the call ({Fault}).")),
            FaultKind.Latency => DelayedAsync(work, ct),
            FaultKind.Hang => HangAsync<T>(ct),
            _ => Chosen<T>(),
        };
    }

    private async Task<T> DelayedAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        await Task.Delay(Delay(), _time, ct).ConfigureAwait(false);
        return await work(ct).ConfigureAwait(false);
    }

    private async Task<T> HangAsync<T>(CancellationToken ct)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct).ConfigureAwait(false);
        throw new InjectedFaultException($"A fault injected into '{_dependency}' hung the call.");
    }

    private TimeSpan Delay() =>
        Fault.Jitter <= TimeSpan.Zero ? Fault.Latency : Fault.Latency + Fault.Jitter * Random.Shared.NextDouble();

    private Task<T> Chosen<T>()
    {
        try
        {
            return Task.FromResult(Fault.Result switch
            {
                null => default!,
                T value => value,
                JsonElement json => json.Deserialize<T>(ResultJson)!,
                FaultJson text => JsonSerializer.Deserialize<T>(text.Json, ResultJson)!,
                _ => throw new InvalidCastException($"{Fault.Result.GetType().Name} is not a {typeof(T).Name}"),
            });
        }
        catch (Exception e) when (e is JsonException or InvalidCastException or NotSupportedException)
        {
            return Task.FromException<T>(new InjectedFaultException(
                $"A fault injected into '{_dependency}' chose a result that is not a {typeof(T).Name}: {e.Message}"));
        }
    }
}
