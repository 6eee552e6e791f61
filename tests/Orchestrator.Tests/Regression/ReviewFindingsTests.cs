using Akka.Actor;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Orchestrator.Tests.Actors;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Regression;

/// <summary>Regression tests for defects found in review (virtual time); each once failed.</summary>
public sealed class ReviewFindingsTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private IActorRef Dep(string name, Action<DependencyOptions> configure, BulkheadGate? gate = null, Func<double>? random = null)
    {
        var options = new DependencyOptions();
        configure(options);
        return Sys.ActorOf(DependencyActor.Props(name, options, Time, gate, random: random), name);
    }

    // R1: a late WorkFinished of attempt 1 is taken as the outcome of attempt 2 (same PendingCall.Id)
    [Fact]
    public void R1_late_result_of_a_timed_out_attempt_is_not_taken_for_the_retry()
    {
        var d = Dep("d", o =>
        {
            o.Timeout = TimeSpan.FromSeconds(1);
            o.Bulkhead.MaxConcurrency = 1;
            o.Retry.MaxAttempts = 2;
        }, random: () => 0.5); // backoff = 50 ms
        var first = new Gate();
        var second = new Gate();
        var attempt = 0;
        d.Tell(new GuardedCall<int>("d", _ => Interlocked.Increment(ref attempt) == 1
            ? first.Pass(1, CancellationToken.None)      // ignores its token
            : second.Pass(2, CancellationToken.None)) { ReplyTo = TestActor });
        Await(first.StartedAtLeast(1));
        Advance(TimeSpan.FromSeconds(1));       // attempt 1 times out -> retry after 50 ms
        AwaitCondition(() => StatusOf(d).Retry?.Retries == 1, TimeSpan.FromSeconds(5)); // the retry's backoff is scheduled
        Advance(TimeSpan.FromMilliseconds(50)); // attempt 2 starts
        Await(second.StartedAtLeast(1));

        first.Open(); // attempt 1 finishes late, while attempt 2 runs

        // Correct: attempt 2 is still running, holds the only slot, and nobody has been answered yet.
        var early = ReceiveOne(TimeSpan.FromMilliseconds(500));
        Assert.Null(early);
        Assert.Equal(1, StatusOf(d).Bulkhead.InFlight);
        // A new call waits for attempt 2's slot (MaxConcurrency = 1): it does not run beside it.
        var third = new Gate();
        var thirdProbe = CreateTestProbe();
        d.Tell(new GuardedCall<int>("d", ct => third.Pass(3, CancellationToken.None)) { ReplyTo = thirdProbe });
        Settle(d);
        Assert.Equal(0, third.Started);
        Assert.Equal(1, StatusOf(d).Bulkhead.Queued);
        // Attempt 2's own answer is the call's answer (not attempt 1's late 1), and then the third call runs.
        second.Open();
        var answer = ExpectResult<int>();
        Assert.Equal(CallOutcome.Succeeded, answer.Outcome);
        Assert.Equal(2, answer.Value);
        Await(third.StartedAtLeast(1));
        third.Open();
        Assert.Equal(3, ExpectResult<int>(thirdProbe).Value);
    }

    // R2: user predicate (ShouldRetry / ShouldHandle) runs on the actor thread; if it throws, the call is lost.
    [Fact]
    public void R2_a_throwing_ShouldHandle_predicate_loses_the_call_its_gate_place_and_its_key()
    {
        var gate = new BulkheadGate(100);
        var d = Dep("d", o =>
        {
            o.Cache.Enabled = true;
            o.Breaker.ShouldHandle = _ => throw new InvalidOperationException("bug in user predicate");
        }, gate);
        d.Tell(new GuardedCall<int>("d", _ => throw new HttpRequestException("down")) { Key = "k", ReplyTo = TestActor });
        var first = ReceiveOne(TimeSpan.FromSeconds(2));
        var admitted = gate.Admitted;
        d.Tell(new GuardedCall<int>("d", _ => Task.FromResult(7)) { Key = "k", ReplyTo = TestActor });
        var second = ReceiveOne(TimeSpan.FromSeconds(2));
        Assert.NotNull(first);   // the failing call gets an answer
        Assert.Equal(0, admitted); // and gives its gate place back
        Assert.NotNull(second);  // a later call for the same key is not stuck behind a dead flight
    }

    // R3: cache and single flight are keyed by Key only, not by result type / request.
    [Fact]
    public void R3_a_cached_answer_of_another_type_is_not_served_as_success_with_a_default_value()
    {
        var d = Dep("profiles", o => o.Cache.Enabled = true);
        d.Tell(new GuardedCall<string>("profiles", _ => Task.FromResult("profile of u1")) { Key = "u1", ReplyTo = TestActor });
        Assert.Equal("profile of u1", ExpectResult<string>().Value);

        d.Tell(new GuardedCall<int>("profiles", _ => Task.FromResult(42)) { Key = "u1", ReplyTo = TestActor }); // e.g. "order count of u1"
        var r = ExpectResult<int>();
        Assert.Equal(42, r.Value);
    }

    // R4: the call-fallback PipeTo has no failure mapping; a far deadline makes CancellationTokenSource(limit) throw.
    [Fact]
    public void R4_a_call_with_a_far_deadline_whose_primary_fails_still_gets_its_fallback_answer()
    {
        var gate = new BulkheadGate(100);
        var d = Dep("d", _ => { }, gate);
        d.Tell(new GuardedCall<int>("d", _ => throw new HttpRequestException("down"))
        {
            Deadline = Clock.Now + TimeSpan.FromDays(60),
            Fallback = (_, _) => Task.FromResult(-1),
            ReplyTo = TestActor,
        });
        var answer = ExpectResult<int>();
        Assert.Equal(CallOutcome.Fallback, answer.Outcome);
        Assert.Equal(-1, answer.Value);
        Assert.Equal(DegradationReason.Error, answer.Reason);
        Assert.Equal(0, gate.Admitted);
    }

    // R5: an attempt cut short by the CALLER's deadline counts as a dependency failure and opens the breaker.
    [Fact]
    public void R5_attempts_cut_by_the_callers_deadline_do_not_open_the_breaker()
    {
        var d = Dep("d", o => { o.Timeout = TimeSpan.FromSeconds(5); o.Breaker.FailureThreshold = 3; });
        for (var i = 0; i < 3; i++)
            d.Tell(new GuardedCall<int>("d", async ct => { await Task.Delay(Timeout.Infinite, ct); return 1; })
            {
                Deadline = Clock.Now + TimeSpan.FromMilliseconds(20), // the caller had only 20 ms left
                ReplyTo = TestActor,
            });
        Settle(d); // the three attempts run, their deadlines scheduled
        Advance(TimeSpan.FromMilliseconds(20));
        for (var i = 0; i < 3; i++) Assert.Equal(DegradationReason.DeadlineExceeded, ExpectResult<int>().Reason);
        Assert.Equal(BreakerState.Closed, StatusOf(d).Breaker.State);
    }

    // R6a: a single-flight follower gets the LEADER's deadline outcome, and no fallback.
    [Fact]
    public void R6a_a_follower_without_deadline_is_not_failed_by_the_leaders_deadline()
    {
        var d = Dep("d", o => { o.Cache.Enabled = true; o.Timeout = TimeSpan.FromSeconds(10); });
        var leaderProbe = CreateTestProbe();
        var started = new TaskCompletionSource();
        d.Tell(new GuardedCall<int>("d", async ct => { started.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); return 1; })
        {
            Key = "k", Deadline = Clock.Now + TimeSpan.FromMilliseconds(100), ReplyTo = leaderProbe,
        });
        Await(started.Task);
        d.Tell(new GuardedCall<int>("d", _ => Task.FromResult(2))
        {
            Key = "k", Fallback = (_, _) => Task.FromResult(-1), ReplyTo = TestActor,
        });
        Settle(d); // the follower waits on the leader
        Advance(TimeSpan.FromMilliseconds(100));
        var follower = ExpectResult<int>();
        Assert.NotEqual(DegradationReason.DeadlineExceeded, follower.Reason);
    }

    // R6b: a follower's own deadline is never enforced while it waits on a leader.
    [Fact]
    public void R6b_a_follower_is_answered_at_its_own_deadline()
    {
        var d = Dep("d", o => { o.Cache.Enabled = true; o.Timeout = TimeSpan.FromSeconds(10); });
        var started = new TaskCompletionSource();
        d.Tell(new GuardedCall<int>("d", async ct => { started.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); return 1; })
        {
            Key = "k", ReplyTo = CreateTestProbe(),
        });
        Await(started.Task);
        d.Tell(new GuardedCall<int>("d", _ => Task.FromResult(2))
        {
            Key = "k", Deadline = Clock.Now + TimeSpan.FromMilliseconds(100), ReplyTo = TestActor,
        });
        Settle(d); // the follower waits on the leader, its deadline scheduled
        Advance(TimeSpan.FromMilliseconds(99));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // not before its deadline
        Advance(TimeSpan.FromMilliseconds(1));
        var answer = ExpectResult<int>(); // at its deadline, while the leader still runs (its timeout is 10 s)
        Assert.Equal(DegradationReason.DeadlineExceeded, answer.Reason);
        Assert.NotEqual(CallOutcome.Succeeded, answer.Outcome);
    }

    // R7: a call still in the mailbox when the actor is stopped for good gets no answer.
    [Fact]
    public void R7_calls_in_the_mailbox_of_an_actor_stopped_for_good_are_answered()
    {
        var options = new OrchestratorOptions { TimeProvider = Time }.AddDependency("d");
        var sup = Sys.ActorOf(DependencySupervisor.Props(options.Validate()), "dependencies");
        for (var i = 0; i <= DependencySupervisor.MaxRestarts; i++) sup.Tell(new CrashDependencyActor("d"));
        sup.Tell(new GuardedCall<int>("d", _ => Task.FromResult(1)) { ReplyTo = TestActor });
        var answer = ReceiveOne(TimeSpan.FromSeconds(3));
        Assert.NotNull(answer);
    }

    // R11: one dependency actor stopped for good makes the whole status ask fail.
    [Fact]
    public async Task R11_status_of_all_dependencies_survives_one_stopped_actor()
    {
        var options = new OrchestratorOptions { TimeProvider = Time }.AddDependency("d").AddDependency("e");
        var sup = Sys.ActorOf(DependencySupervisor.Props(options.Validate()), "dependencies");
        sup.Tell(GetStatus.All, TestActor);
        ExpectMsg<OrchestratorStatus>(TimeSpan.FromSeconds(7)); // started, with its children
        var d = await Sys.ActorSelection(sup.Path / "d").ResolveOne(TimeSpan.FromSeconds(3));
        Watch(d);
        for (var i = 0; i <= DependencySupervisor.MaxRestarts; i++) sup.Tell(new CrashDependencyActor("d"));
        ExpectTerminated(d, TimeSpan.FromSeconds(5)); // stopped for good
        sup.Tell(GetStatus.All, TestActor);
        var status = ExpectMsg<OrchestratorStatus>(TimeSpan.FromSeconds(7));
        Assert.Equal(["d", "e"], status.Dependencies.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.NotNull(status.Dependencies.Single(s => s.Name == "d").Unavailable); // said to be gone, not hidden
        Assert.Null(status.Dependencies.Single(s => s.Name == "e").Unavailable);
    }

    // R12: GuardedCall is a record: two distinct calls built from the same method group are Equal.
    private static Task<int> Fetch(CancellationToken _) => Task.FromResult(1);

    [Fact]
    public void R12_two_distinct_calls_are_not_equal()
    {
        var a = new GuardedCall<int>("d", Fetch) { Key = "u1" };
        var b = new GuardedCall<int>("d", Fetch) { Key = "u1" };
        Assert.NotEqual(a, b);
    }
}
