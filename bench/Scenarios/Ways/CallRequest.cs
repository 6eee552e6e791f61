using Orchestrator.Bench.Scenarios.Simulation;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>
/// One caller's request to one dependency. CRITICAL calls have no fallback (an error fails them); the others fall
/// back to a degraded answer. <see cref="Attempts"/> counts the calls that reached the dependency for it (hedges
/// included), <see cref="Hedges"/> the hedges a hedging way started for it. A request
/// with <see cref="BadInput"/> asks for something that does not exist: the right answer to it is the dependency's 404.
/// </summary>
public sealed class CallRequest(SimulatedDependency dependency, Tier tier, TimeSpan deadline, bool badInput = false)
{
    private int _attempts;
    private int _hedges;
    private int _answeredByHedge;

    public SimulatedDependency Dependency { get; } = dependency;
    public Tier Tier { get; } = tier;

    /// <summary>How long the caller (a page) may take to answer.</summary>
    public TimeSpan Deadline { get; } = deadline;

    public bool HasFallback => Tier != Tier.Critical;

    /// <summary>Whether the caller got its input wrong (an id that does not exist).</summary>
    public bool BadInput { get; } = badInput;
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Hedges started for it (by a hedging way).</summary>
    public int Hedges => Volatile.Read(ref _hedges);

    /// <summary>Whether its answer came from a hedge rather than from the attempt it started beside.</summary>
    public bool AnsweredByHedge => Volatile.Read(ref _answeredByHedge) != 0;

    /// <summary>Records that a hedging way started a hedge for it.</summary>
    public void CountHedge() => Interlocked.Increment(ref _hedges);

    /// <summary>Records that one of its hedges gave its answer.</summary>
    public void MarkAnsweredByHedge() => Volatile.Write(ref _answeredByHedge, 1);

    /// <summary>Records what the way reported of its hedges: how many it started, and whether one of them answered.</summary>
    public void RecordHedges(int hedges, bool answeredByHedge)
    {
        Volatile.Write(ref _hedges, hedges);
        Volatile.Write(ref _answeredByHedge, answeredByHedge ? 1 : 0);
    }

    /// <summary>The work: one call to the dependency, counted.</summary>
    public Task<string> CallDependencyAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        return Dependency.CallAsync(cancellationToken, BadInput);
    }

    /// <summary>What an error or a rejection leaves the caller with.</summary>
    public Answer WhenTurnedAway => HasFallback ? Answer.Degraded : Answer.Failed;

    /// <summary>What <paramref name="error"/> leaves the caller with: the dependency's refusal is an answer (the right one to bad input).</summary>
    public Answer AfterError(Exception error) =>
        error is HttpRequestException { StatusCode: System.Net.HttpStatusCode.NotFound } ? Answer.Refused : WhenTurnedAway;
}
