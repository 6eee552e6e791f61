using Akka.Actor;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Regression;

/// <summary>Regression tests for defects found in review, on the real Akka scheduler.</summary>
public sealed class ReviewFindingsRealTimeTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    // R9: a queued call whose queue deadline is already behind "now" schedules a timer with a negative delay;
    // Akka's scheduler throws, the actor crashes and restarts (each one counts toward the 10/min stop).
    [Fact]
    public void R9_queueing_a_call_whose_deadline_just_passed_does_not_crash_the_actor()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        var options = new DependencyOptions { Timeout = TimeSpan.FromSeconds(10) };
        options.Bulkhead.MaxConcurrency = 1;
        var d = Sys.ActorOf(DependencyActor.Props("d", options, clock), "d");
        var hang = new TaskCompletionSource<int>();
        var started = new TaskCompletionSource();
        d.Tell(new GuardedCall<int>("d", _ => { started.TrySetResult(); return hang.Task; }) { ReplyTo = CreateTestProbe() });
        Assert.True(SpinWait.SpinUntil(() => started.Task.IsCompleted, 5000));
        var settled = CreateTestProbe();
        d.Tell(GetStatus.All, settled.Ref); // the actor has handled the first call (and read the clock for it)
        settled.ExpectMsg<DependencyStatus>(TimeSpan.FromSeconds(5));
        var v = clock.GetUtcNow(); // clock now v + 1 ms; TakeIn reads v+1 ms, Admit (queued) reads v+2 ms
        EventFilter.Exception<ArgumentOutOfRangeException>().Expect(0, TimeSpan.FromSeconds(1), () =>
            d.Tell(new GuardedCall<int>("d", _ => Task.FromResult(1)) { Deadline = v + TimeSpan.FromTicks(15_000), ReplyTo = TestActor }));
        Assert.Equal(DegradationReason.DeadlineExceeded, ExpectMsg<CallResult<int>>(TimeSpan.FromSeconds(3)).Reason);
    }

    // R10: the client's wait (once 2 x timeout + 5 s) must cover every attempt, backoff and fallback of the call.
    [Fact]
    public void R10_the_client_waits_as_long_as_the_orchestrator_may_need_for_a_retried_call()
    {
        var options = new OrchestratorOptions().AddDependency("d", o =>
        {
            o.Retry.MaxAttempts = 10;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(100);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        }).Validate();
        var sup = Sys.ActorOf(DependencySupervisor.Props(options), "dependencies");
        sup.Tell(GetDependencyDirectory.Instance, TestActor);
        var handle = ExpectMsg<DependencyDirectory>().Handles["d"];
        var call = new GuardedCall<string>("d", _ => Task.FromResult("x")) { Timeout = TimeSpan.FromSeconds(1), Fallback = (_, _) => Task.FromResult("f") };

        var wait = handle.LongestAnswerTime(call, TimeProvider.System, TimeSpan.Zero);
        var backoffs = Enumerable.Range(1, 9).Sum(n => Orchestrator.Actors.Retry.Backoff.Ceiling(n, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)).TotalSeconds);
        Assert.True(wait.TotalSeconds >= 10 + backoffs + 1, $"waits {wait}, but 10 attempts of 1 s, {backoffs:0.0} s of backoff and the fallback take longer");

        var withDeadline = call with { Deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3) };
        Assert.InRange(handle.LongestAnswerTime(withDeadline, TimeProvider.System, TimeSpan.Zero).TotalSeconds, 2.5, 3.0);
    }
}
