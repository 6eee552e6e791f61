using Orchestrator.Bench.Scenarios.Ways;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Scenarios.Measurement;

/// <summary>One request of a run: when it started (since the run began), to which dependency, its tier, and how it ended.</summary>
public sealed class CallRecord(TimeSpan start, string dependency, Tier tier)
{
    private readonly Lock _gate = new();
    private bool _closed;

    public TimeSpan Start { get; } = start;
    public string Dependency { get; } = dependency;
    public Tier Tier { get; } = tier;

    /// <summary>Start to answer; for a request unanswered when the run was cut, start to the cut.</summary>
    public TimeSpan Latency { get; private set; }

    public Answer Answer { get; private set; } = Answer.Failed;

    /// <summary>Calls that reached the dependency for it (retries and hedges included).</summary>
    public int Attempts { get; private set; }

    /// <summary>Hedges a hedging way started for it.</summary>
    public int Hedges { get; private set; }

    /// <summary>Whether a hedge gave its answer.</summary>
    public bool AnsweredByHedge { get; private set; }

    /// <summary>Whether it was answered before the run was cut.</summary>
    public bool Answered { get; private set; }

    /// <summary>A success that came within the caller's deadline: what counts as goodput.</summary>
    public bool IsGood(TimeSpan deadline) => Answer == Answer.Succeeded && Latency <= deadline;

    /// <summary>Records the answer; ignored once the request was cut.</summary>
    public void Complete(Answer answer, TimeSpan latency, int attempts, int hedges = 0, bool answeredByHedge = false)
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            Answer = answer;
            Latency = latency;
            Attempts = attempts;
            Hedges = hedges;
            AnsweredByHedge = answeredByHedge;
            Answered = true;
        }
    }

    /// <summary>Marks a request still waiting when the run was cut: no answer (failed) after <paramref name="waited"/>.</summary>
    public void Cut(TimeSpan waited, int attempts, int hedges = 0)
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            Answer = Answer.Failed;
            Latency = waited;
            Attempts = attempts;
            Hedges = hedges;
        }
    }
}
