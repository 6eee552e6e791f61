using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Pipeline;

/// <summary>The one decision sequence, driven by a scripted side: the order of its questions and what each answer decides.</summary>
public sealed class CallPipelineTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");

    private static GuardedCall<int> Call(DateTimeOffset? deadline = null) => new("d", _ => Task.FromResult(1)) { Deadline = deadline };

    private static (Verdict Verdict, List<string> Asked) Admit(ScriptedSide side, GuardedCall? call = null,
        PipelineStage from = PipelineStage.Deadline, Holdings held = Holdings.None)
    {
        var verdict = CallPipeline.Admit(ref side, call ?? Call(Now.AddSeconds(1)), from, held);
        return (verdict, side.Asked);
    }

    [Fact]
    public void Every_stage_is_asked_once_in_the_documented_order_and_a_call_that_passes_them_all_runs()
    {
        var (verdict, asked) = Admit(new ScriptedSide { Attempt = AttemptCheck.Run(BreakerPermit.Probe, 7) });

        Assert.Equal(["deadline", "feature", "shedding", "breaker", "bulkhead", "cache", "attempt"], asked);
        Assert.Equal(new Verdict(VerdictKind.Run, PipelineStage.Attempt, Holdings.Load | Holdings.Gate, DegradationReason.None, BreakerPermit.Probe, 7), verdict);
    }

    [Fact]
    public void A_call_without_a_deadline_does_not_read_the_clock()
    {
        var (_, asked) = Admit(new ScriptedSide(), Call());
        Assert.DoesNotContain("deadline", asked);
    }

    [Fact]
    public void A_deadline_already_past_is_rejected_before_anything_else_is_asked_or_taken()
    {
        var (verdict, asked) = Admit(new ScriptedSide(), Call(Now));
        Assert.Equal(["deadline"], asked);
        Assert.Equal(new Verdict(VerdictKind.Reject, PipelineStage.Deadline, Holdings.None, DegradationReason.DeadlineExceeded), verdict);
    }

    // Pipeline types are internal: the theories take them as object.
    public static TheoryData<string, object, object, DegradationReason, object, string> Stops => new()
    {
        // the stage that decides, what it decides, and what the call holds by then
        { "feature off", VerdictKind.Degrade, PipelineStage.Feature, DegradationReason.FeatureDisabled, Holdings.None, "feature" },
        { "shed", VerdictKind.Degrade, PipelineStage.Shedding, DegradationReason.Shed, Holdings.None, "shedding" },
        { "breaker rejects", VerdictKind.Degrade, PipelineStage.Breaker, DegradationReason.BreakerOpen, Holdings.Load, "breaker" },
        { "breaker defers", VerdictKind.Defer, PipelineStage.Breaker, DegradationReason.None, Holdings.Load, "breaker" },
        { "gate full", VerdictKind.Degrade, PipelineStage.Bulkhead, DegradationReason.BulkheadFull, Holdings.Load, "bulkhead" },
        { "gate closed", VerdictKind.Reject, PipelineStage.Bulkhead, DegradationReason.ActorFailure, Holdings.Load, "bulkhead" },
        { "cache answers", VerdictKind.Handled, PipelineStage.Cache, DegradationReason.None, Holdings.Load | Holdings.Gate, "cache" },
        { "cache defers", VerdictKind.Defer, PipelineStage.Cache, DegradationReason.None, Holdings.Load | Holdings.Gate, "cache" },
        { "queued", VerdictKind.Handled, PipelineStage.Attempt, DegradationReason.None, Holdings.Load | Holdings.Gate, "attempt" },
        { "attempt defers", VerdictKind.Defer, PipelineStage.Attempt, DegradationReason.None, Holdings.Load | Holdings.Gate, "attempt" },
        { "no room", VerdictKind.Degrade, PipelineStage.Attempt, DegradationReason.BulkheadFull, Holdings.Load | Holdings.Gate, "attempt" },
        { "no permit", VerdictKind.Degrade, PipelineStage.Attempt, DegradationReason.BreakerOpen, Holdings.Load | Holdings.Gate, "attempt" },
    };

    [Theory]
    [MemberData(nameof(Stops))]
    public void The_first_stage_that_decides_ends_the_sequence(string stop, object kindValue, object stageValue, DegradationReason reason,
        object heldValue, string lastAsked)
    {
        var (kind, stage, held) = ((VerdictKind)kindValue, (PipelineStage)stageValue, (Holdings)heldValue);
        var side = stop switch
        {
            "feature off" => new ScriptedSide { Feature = false },
            "shed" => new ScriptedSide { Load = false },
            "breaker rejects" => new ScriptedSide { Breaker = BreakerCheck.Rejects },
            "breaker defers" => new ScriptedSide { Breaker = BreakerCheck.Defer },
            "gate full" => new ScriptedSide { Gate = GateCheck.Full },
            "gate closed" => new ScriptedSide { Gate = GateCheck.Closed },
            "cache answers" => new ScriptedSide { Cache = CacheCheck.Handled },
            "cache defers" => new ScriptedSide { Cache = CacheCheck.Defer },
            "queued" => new ScriptedSide { Attempt = AttemptCheck.Queued },
            "attempt defers" => new ScriptedSide { Attempt = AttemptCheck.Defer },
            "no room" => new ScriptedSide { Attempt = AttemptCheck.Full },
            _ => new ScriptedSide { Attempt = AttemptCheck.BreakerOpen },
        };

        var (verdict, asked) = Admit(side);

        Assert.Equal(new Verdict(kind, stage, held, reason), verdict);
        Assert.Equal(lastAsked, asked[^1]);
    }

    [Fact]
    public void A_handed_over_call_resumes_where_it_stopped_keeping_what_it_holds_and_no_stage_is_asked_twice()
    {
        var (verdict, asked) = Admit(new ScriptedSide(), from: PipelineStage.Cache, held: Holdings.Load | Holdings.Gate);
        Assert.Equal(["cache", "attempt"], asked);
        Assert.Equal(VerdictKind.Run, verdict.Kind);
        Assert.Equal(Holdings.Load | Holdings.Gate, verdict.Held);

        (verdict, asked) = Admit(new ScriptedSide(), from: PipelineStage.Breaker, held: Holdings.Load);
        Assert.Equal(["breaker", "bulkhead", "cache", "attempt"], asked);
        Assert.Equal(Holdings.Load | Holdings.Gate, verdict.Held);

        (verdict, asked) = Admit(new ScriptedSide(), from: PipelineStage.Attempt, held: Holdings.Load | Holdings.Gate);
        Assert.Equal(["attempt"], asked);
    }

    [Theory]
    [InlineData(OutcomeClass.Success, false, NextStep.Answer)]
    [InlineData(OutcomeClass.Success, true, NextStep.Answer)]
    [InlineData(OutcomeClass.CallersFault, true, NextStep.AnswerWithoutChain)]
    [InlineData(OutcomeClass.DeadlineCut, true, NextStep.AnswerWithoutChain)]
    [InlineData(OutcomeClass.Failure, true, NextStep.Retry)]
    [InlineData(OutcomeClass.Failure, false, NextStep.Degrade)]
    public void After_the_attempt_classification_decides_then_retry_then_the_chain(object outcome, bool retryable, object next) =>
        Assert.Equal((NextStep)next, CallPipeline.AfterAttempt((OutcomeClass)outcome, retryable));
}
