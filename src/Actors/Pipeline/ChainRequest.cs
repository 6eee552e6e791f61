using System.Diagnostics;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>A call whose primary answer is missing, on its way down the <see cref="FallbackChain"/>.</summary>
/// <param name="Call">The call.</param>
/// <param name="Reason">Why the primary answer is missing.</param>
/// <param name="Error">The exception behind it, if any.</param>
/// <param name="Detail">A sentence naming the dependency and the problem.</param>
/// <param name="Attempts">How many times the work was started.</param>
/// <param name="Offload">Whether user code (a replica's work, a fallback) must not run on this thread (an actor's, or a sender's).</param>
internal sealed record ChainRequest(GuardedCall Call, DegradationReason Reason, Exception? Error, string Detail, int Attempts, bool Offload)
{
    /// <summary>Steps that already gave no answer before the chain began (a retry the budget refused).</summary>
    public IReadOnlyList<ChainStep> Before { get; init; } = [];

    /// <summary>The replica was asked already (a hedge that did not answer, in <see cref="Before"/>): the chain does not ask it again.</summary>
    public bool ReplicaAsked { get; init; }

    /// <summary>The call's span: the walk's own span is its child (null while nobody traces).</summary>
    public Activity? Span { get; init; }
}
