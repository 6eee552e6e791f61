using System.Diagnostics;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Telemetry;

/// <summary>
/// The orchestrator's spans, on the <c>Orchestrator</c> <see cref="ActivitySource"/> (add it to a tracer provider
/// with <c>AddSource("Orchestrator")</c>): one per guarded call (<c>orchestrator.call</c>), a child per attempt
/// (<c>orchestrator.attempt</c>; a retry is an attempt numbered 2 and up, and a <c>retry</c> event on the call says
/// when it was scheduled) and per walk down the fallback chain (<c>orchestrator.fallback</c>, with an event per step
/// that gave no answer). A call's span is the child of the caller's span: <see cref="Activity.Current"/> where the call
/// is sent, else the context the call captured when it was built (<see cref="GuardedCall.TraceParent"/>), so that a
/// call told through an actor still joins its request's trace. Nothing is made while nobody listens.
/// </summary>
internal static class OrchestratorTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "Orchestrator";

    /// <summary>The name of a guarded call's span.</summary>
    public const string CallSpan = "orchestrator.call";

    /// <summary>The name of an attempt's span.</summary>
    public const string AttemptSpan = "orchestrator.attempt";

    /// <summary>The name of a fallback chain walk's span.</summary>
    public const string FallbackSpan = "orchestrator.fallback";

    /// <summary>The spans' source.</summary>
    public static readonly ActivitySource Source = new(SourceName, "1.0");

    private static readonly string[] OutcomeNames = Enum.GetValues<CallOutcome>().Select(o => o.ToString()).ToArray();
    private static readonly string[] ReasonNames = Enum.GetValues<DegradationReason>().Select(r => r.ToString()).ToArray();
    private static readonly string[] TierNames = Enum.GetValues<Tier>().Select(t => t.ToString()).ToArray();

    /// <summary>
    /// Starts the span of <paramref name="call"/> to <paramref name="dependency"/> and makes it current; null while
    /// nobody listens. The caller puts back <see cref="Activity.Current"/> when its synchronous part is done.
    /// </summary>
    public static Activity? StartCall(string dependency, GuardedCall call) => StartCall(dependency, call, out _);

    /// <summary><see cref="StartCall(string, GuardedCall)"/>, saying which span was current before (to put back): read only when a span is made.</summary>
    public static Activity? StartCall(string dependency, GuardedCall call, out Activity? before)
    {
        before = null;
        if (!Source.HasListeners()) return null;
        before = Activity.Current;
        var parent = before?.Context ?? call.TraceParent;
        var span = Source.StartActivity(CallSpan, ActivityKind.Internal, parent);
        if (span is null) return null;
        span.DisplayName = $"{CallSpan} {dependency}";
        span.SetTag("orchestrator.dependency", dependency);
        span.SetTag("orchestrator.tier", TierNames[(int)call.Tier]);
        if (call.Feature is { } feature) span.SetTag("orchestrator.feature", feature);
        return span;
    }

    /// <summary>Ends a call's span with its answer: outcome, reason, fallback source, attempts; an error status when it failed or was rejected.</summary>
    public static void EndCall(Activity? span, in CallReport report)
    {
        if (span is null) return;
        span.SetTag("orchestrator.outcome", OutcomeNames[(int)report.Outcome]);
        span.SetTag("orchestrator.reason", ReasonNames[(int)report.Reason]);
        if (report.Source is { } source) span.SetTag("orchestrator.fallback.source", source.ToString());
        span.SetTag("orchestrator.attempts", report.Attempts);
        if (report.Outcome is CallOutcome.Failed or CallOutcome.Rejected) span.SetStatus(ActivityStatusCode.Error, report.Detail);
        Stop(span);
    }

    /// <summary>Ends a call's span that got no answer from the dependency's actor in time.</summary>
    public static void EndCallUnanswered(Activity? span, string detail)
    {
        if (span is null) return;
        span.SetTag("orchestrator.outcome", OutcomeNames[(int)CallOutcome.Failed]);
        span.SetTag("orchestrator.reason", ReasonNames[(int)DegradationReason.ActorFailure]);
        span.SetStatus(ActivityStatusCode.Error, detail);
        Stop(span);
    }

    /// <summary>Starts the span of attempt number <paramref name="attempt"/> of a call, as a child of its call's span, and makes it current.</summary>
    public static Activity? StartAttempt(Activity? call, string dependency, int attempt)
    {
        if (call is null) return null;
        var span = Source.StartActivity(AttemptSpan, ActivityKind.Internal, call.Context);
        if (span is null) return null;
        span.DisplayName = $"{AttemptSpan} {dependency}";
        span.SetTag("orchestrator.dependency", dependency);
        span.SetTag("orchestrator.attempt", attempt);
        if (attempt > 1) span.SetTag("orchestrator.retry", true);
        return span;
    }

    /// <summary>Ends an attempt's span: how it ended (answered, failed, timed-out, not-started) and whether it counts as a success.</summary>
    public static void EndAttempt(Activity? span, string end, bool succeeded, Exception? error)
    {
        if (span is null) return;
        span.SetTag("orchestrator.attempt.end", end);
        if (!succeeded) span.SetStatus(ActivityStatusCode.Error, error?.Message);
        if (error is not null) span.SetTag("exception.type", error.GetType().FullName);
        Stop(span);
    }

    /// <summary>Notes on a call's span that a retry was scheduled after <paramref name="delay"/>.</summary>
    public static void RetryScheduled(Activity? call, int nextAttempt, TimeSpan delay) =>
        call?.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection
        {
            { "orchestrator.attempt", nextAttempt },
            { "orchestrator.retry.delay_s", delay.TotalSeconds },
        }));

    /// <summary>Notes on the call's span that hedge <paramref name="attempt"/> started, on <paramref name="target"/> (the dependency or its replica).</summary>
    public static void HedgeStarted(Activity? call, int attempt, string target) =>
        call?.AddEvent(new ActivityEvent("hedge", tags: new ActivityTagsCollection
        {
            { "orchestrator.attempt", attempt },
            { "orchestrator.hedge.target", target },
        }));

    /// <summary>Starts the span of a walk down the fallback chain, as a child of the call's span, for the reason the primary answer is missing.</summary>
    public static Activity? StartFallback(Activity? call, string dependency, DegradationReason reason)
    {
        if (call is null) return null;
        var span = Source.StartActivity(FallbackSpan, ActivityKind.Internal, call.Context);
        if (span is null) return null;
        span.DisplayName = $"{FallbackSpan} {dependency}";
        span.SetTag("orchestrator.dependency", dependency);
        span.SetTag("orchestrator.reason", ReasonNames[(int)reason]);
        return span;
    }

    /// <summary>Ends a walk's span: the step that answered (its source) or none, and an event per step that did not.</summary>
    public static void EndFallback(Activity? span, in CallReport report)
    {
        if (span is null) return;
        foreach (var step in report.Trail)
            span.AddEvent(new ActivityEvent("fallback.step", tags: new ActivityTagsCollection
            {
                { "orchestrator.fallback.step", step.Step },
                { "orchestrator.reason", ReasonNames[(int)step.Reason] },
            }));
        span.SetTag("orchestrator.outcome", OutcomeNames[(int)report.Outcome]);
        if (report.Source is { } source) span.SetTag("orchestrator.fallback.source", source.ToString());
        else span.SetStatus(ActivityStatusCode.Error, "no step of the fallback chain answered");
        Stop(span);
    }

    /// <summary>Stops <paramref name="span"/> without changing what is current on this thread (it may end far from where it started).</summary>
    private static void Stop(Activity span)
    {
        var current = Activity.Current;
        span.Stop();
        if (!ReferenceEquals(current, span) && !ReferenceEquals(Activity.Current, current)) Activity.Current = current;
    }
}
