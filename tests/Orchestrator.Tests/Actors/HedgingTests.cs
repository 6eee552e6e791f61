using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

/// <summary>
/// Hedged calls on virtual time: a slow attempt gets a hedge beside it after the delay, the first answer wins and
/// the others are cancelled; each hedge is a real attempt (a place in the bulkhead, the breaker's permit, the retry
/// budget) or is not made; failures wait for the other attempts and go to retries or the chain; the replica as target.
/// </summary>
public sealed class HedgingTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);

    /// <summary>Work whose attempts each wait until the test ends them; what each was given (its token) is kept.</summary>
    private sealed class Attempts
    {
        private readonly List<(TaskCompletionSource<int> Answer, CancellationToken Token)> _started = [];

        public int Started
        {
            get
            {
                lock (_started) return _started.Count;
            }
        }

        public Task<int> Run(CancellationToken token)
        {
            var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_started) _started.Add((answer, token));
            return answer.Task;
        }

        private (TaskCompletionSource<int> Answer, CancellationToken Token) Attempt(int number)
        {
            lock (_started) return _started[number - 1];
        }

        public void Answer(int attempt, int value) => Attempt(attempt).Answer.SetResult(value);
        public void Fail(int attempt) => Attempt(attempt).Answer.SetException(new HttpRequestException($"attempt {attempt} failed"));
        public bool Cancelled(int attempt) => Attempt(attempt).Token.IsCancellationRequested;

        public void WaitForStarts(int count)
        {
            var until = DateTime.UtcNow + EventLimit;
            while (Started < count)
            {
                if (DateTime.UtcNow > until) throw new TimeoutException($"{count} attempts did not start; {Started} did.");
                Thread.Sleep(5);
            }
        }
    }

    private static void Hedged(DependencyOptions o, int maxHedges = 1)
    {
        o.Timeout = TimeSpan.FromSeconds(10);
        o.Hedging.MaxHedges = maxHedges;
        o.Hedging.Delay = Delay;
    }

    private GuardedCall<int> Call(Attempts attempts, string dependency = "quotes") => new(dependency, attempts.Run) { ReplyTo = TestActor };

    /// <summary>Starts the call and moves the clock past the hedge delay, once the first attempt's timer is set; then lets the actor handle the hedge's timer.</summary>
    private void StartAndWaitOutTheDelay(IActorRef dependency, Attempts attempts)
    {
        dependency.Tell(Call(attempts));
        attempts.WaitForStarts(1);
        Settle(dependency);
        Advance(Delay);
        Settle(dependency);
    }

    /// <summary>Starts the call and moves the clock past the hedge delay, once the first attempt's timer is set.</summary>
    private void StartAndHedge(IActorRef dependency, Attempts attempts, int hedges = 1)
    {
        dependency.Tell(Call(attempts));
        attempts.WaitForStarts(1);
        for (var i = 1; i <= hedges; i++)
        {
            Settle(dependency);
            Advance(Delay);
            attempts.WaitForStarts(1 + i);
        }
    }

    /// <summary>
    /// Calls through <paramref name="handle"/> and moves the clock past the hedge delay once the first attempt runs;
    /// returns the answer to come, once <paramref name="hedge"/>'s work started for the hedge.
    /// </summary>
    private Task<CallResult<int>> CallAndHedge(DependencyHandle handle, GuardedCall<int> call, Attempts first, Attempts hedge,
        CancellationToken cancellation = default)
    {
        var answer = handle.CallAsync(call, cancellation).AsTask();
        first.WaitForStarts(1);
        Settle(handle.Actor);
        Advance(Delay);
        hedge.WaitForStarts(ReferenceEquals(first, hedge) ? 2 : 1);
        return answer;
    }

    [Fact]
    public void A_slow_attempt_gets_a_hedge_after_the_delay_and_the_hedges_answer_wins_while_the_first_is_cancelled()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o => Hedged(o));
        StartAndHedge(quotes, attempts);

        attempts.Answer(2, 42);
        var result = ExpectResult<int>();
        Assert.Equal((CallOutcome.Succeeded, 42, 2), (result.Outcome, result.Value, result.Attempts));
        Assert.Equal(new HedgeReport(1, 2, "quotes"), result.Hedge);
        AwaitCondition(() => attempts.Cancelled(1), EventLimit, TimeSpan.FromMilliseconds(20));

        var status = StatusOf(quotes);
        Assert.Equal((1L, 1L, 0L), (status.Hedging!.Started, status.Hedging.Won, status.Hedging.Skipped));
        AwaitCondition(() => StatusOf(quotes).Bulkhead.InFlight == 0, EventLimit, TimeSpan.FromMilliseconds(20)); // the loser's place is back
        Assert.Equal(1, StatusOf(quotes).Breaker.WindowCalls); // the winner's success; the cancelled loser says nothing
    }

    [Fact]
    public void An_answer_before_the_delay_makes_no_hedge()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o => Hedged(o));
        quotes.Tell(Call(attempts));
        attempts.WaitForStarts(1);
        attempts.Answer(1, 7);
        var result = ExpectResult<int>();
        Assert.Equal((7, 1), (result.Value, result.Attempts));
        Assert.Null(result.Hedge);

        Advance(Delay * 3); // the hedge timer was stopped with the answer
        Assert.Equal(1, attempts.Started);
        Assert.Equal(0L, StatusOf(quotes).Hedging!.Started);
    }

    [Fact]
    public void When_the_first_attempt_answers_after_all_it_wins_and_the_hedge_is_cancelled()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o => Hedged(o));
        StartAndHedge(quotes, attempts);

        attempts.Answer(1, 1);
        var result = ExpectResult<int>();
        Assert.Equal(new HedgeReport(1, 1, "quotes"), result.Hedge);
        AwaitCondition(() => attempts.Cancelled(2), EventLimit, TimeSpan.FromMilliseconds(20));
        Assert.Equal(0L, StatusOf(quotes).Hedging!.Won);
    }

    [Fact]
    public void At_most_MaxHedges_hedges_start_one_delay_apart()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o => Hedged(o, maxHedges: 2));
        StartAndHedge(quotes, attempts, hedges: 2);

        Settle(quotes);
        Advance(Delay * 5);
        Settle(quotes);
        Assert.Equal(3, attempts.Started);
        Assert.Equal(3, StatusOf(quotes).Bulkhead.InFlight); // each attempt holds a place

        attempts.Answer(3, 3);
        Assert.Equal(new HedgeReport(2, 3, "quotes"), ExpectResult<int>().Hedge);
        AwaitCondition(() => attempts.Cancelled(1) && attempts.Cancelled(2), EventLimit, TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public void A_hedge_needs_a_free_place_in_the_bulkhead_and_is_not_made_without_one()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o =>
        {
            Hedged(o);
            o.Bulkhead.MaxConcurrency = 1;
        });
        StartAndWaitOutTheDelay(quotes, attempts);

        Assert.Equal(1, attempts.Started);
        Assert.True(StatusOf(quotes).Hedging!.Skipped >= 1);
        attempts.Answer(1, 1);
        var result = ExpectResult<int>();
        Assert.Equal((1, 1), (result.Value, result.Attempts));
        Assert.Null(result.Hedge);
    }

    [Fact]
    public void A_place_freed_goes_to_the_call_waiting_in_the_queue_not_to_a_hedge()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o =>
        {
            Hedged(o);
            o.Bulkhead.MaxConcurrency = 2;
            o.Bulkhead.QueueCapacity = 5;
        });
        quotes.Tell(Call(attempts));
        attempts.WaitForStarts(1);
        quotes.Tell(Call(attempts));
        attempts.WaitForStarts(2);
        var other = new Attempts();
        quotes.Tell(Call(other)); // waits in the queue
        Settle(quotes);
        Assert.Equal(1, StatusOf(quotes).Bulkhead.Queued);

        attempts.Answer(2, 2); // a place frees: the queued call takes it, not a hedge
        Assert.Equal(2, ExpectResult<int>().Value);
        other.WaitForStarts(1);
        Advance(Delay);
        Settle(quotes);
        Assert.Equal(2, attempts.Started);
    }

    [Fact]
    public void Hedges_are_paid_from_the_retry_budget_and_none_is_made_when_it_is_spent()
    {
        var first = new Attempts();
        var quotes = Dependency("quotes", o =>
        {
            Hedged(o);
            o.Retry.BudgetRatio = 0;
            o.Retry.BudgetFloor = 1;
        });
        StartAndHedge(quotes, first);
        first.Answer(1, 1);
        ExpectResult<int>();

        var second = new Attempts();
        StartAndWaitOutTheDelay(quotes, second);
        Assert.Equal(1, second.Started);
        var status = StatusOf(quotes);
        Assert.Equal(1L, status.Hedging!.Started);
        Assert.True(status.Hedging.Skipped >= 1);
        second.Answer(1, 2);
        Assert.Null(ExpectResult<int>().Hedge);
    }

    [Fact]
    public void A_hedge_needs_a_permit_of_the_rate_limit()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o =>
        {
            Hedged(o);
            o.RateLimit.PermitsPerPeriod = 1;
            o.RateLimit.Period = TimeSpan.FromMinutes(1);
        });
        StartAndWaitOutTheDelay(quotes, attempts);

        Assert.Equal(1, attempts.Started);
        var status = StatusOf(quotes);
        Assert.True(status.Hedging!.Skipped >= 1);
        Assert.Equal(1L, status.RateLimit!.Granted);
        Assert.Equal(0, status.Bulkhead.InFlight - 1); // the place the hedge took went back
        attempts.Answer(1, 1);
        Assert.Null(ExpectResult<int>().Hedge);
    }

    [Fact]
    public void A_hedge_needs_the_breakers_permit()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o => Hedged(o));
        quotes.Tell(Call(attempts));
        attempts.WaitForStarts(1);
        quotes.Tell(new IsolateBreaker("quotes"), TestActor);
        ExpectMsg<BreakerCommandAccepted>();
        Advance(Delay);
        Settle(quotes);
        Assert.Equal(1, attempts.Started);
        attempts.Answer(1, 1);
        Assert.Equal(1, ExpectResult<int>().Value);
    }

    [Fact]
    public void A_failed_attempt_waits_for_the_hedge_still_running_which_may_answer()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o => Hedged(o));
        StartAndHedge(quotes, attempts);

        attempts.Fail(1);
        AwaitCondition(() => StatusOf(quotes).Breaker.WindowFailures == 1, EventLimit, TimeSpan.FromMilliseconds(20));
        ExpectNoMsg(TimeSpan.FromMilliseconds(50)); // the call waits for its hedge
        Assert.Equal(2, attempts.Started); // a failure starts no hedge of its own
        attempts.Answer(2, 5);
        var result = ExpectResult<int>();
        Assert.Equal((CallOutcome.Succeeded, 5, 2), (result.Outcome, result.Value, result.Attempts));
        var breaker = StatusOf(quotes).Breaker;
        Assert.Equal((2, 1), (breaker.WindowCalls, breaker.WindowFailures)); // the failure counted all the same
    }

    [Fact]
    public void When_every_attempt_fails_the_call_walks_its_fallback_chain_and_says_no_attempt_answered()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o => Hedged(o));
        quotes.Tell(new GuardedCall<int>("quotes", attempts.Run) { ReplyTo = TestActor, Fallback = (_, _) => Task.FromResult(-1) });
        attempts.WaitForStarts(1);
        Settle(quotes);
        Advance(Delay);
        attempts.WaitForStarts(2);

        attempts.Fail(2);
        attempts.Fail(1);
        var result = ExpectResult<int>();
        Assert.Equal((CallOutcome.Fallback, -1, 2), (result.Outcome, result.Value, result.Attempts));
        Assert.Equal(new HedgeReport(1, null, null), result.Hedge);
    }

    [Fact]
    public void After_every_attempt_failed_a_retry_follows_its_backoff_and_counts_as_the_second_try_not_the_third_attempt()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o =>
        {
            Hedged(o);
            o.Retry.MaxAttempts = 2;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(10);
        });
        StartAndHedge(quotes, attempts);
        attempts.Fail(1);
        attempts.Fail(2);
        AwaitCondition(() => StatusOf(quotes).Retry!.Retries == 1, EventLimit, TimeSpan.FromMilliseconds(20));
        Advance(TimeSpan.FromMilliseconds(10));
        attempts.WaitForStarts(3);
        attempts.Answer(3, 3);
        var result = ExpectResult<int>();
        Assert.Equal((CallOutcome.Succeeded, 3, 3), (result.Outcome, result.Value, result.Attempts));
        Assert.Equal(new HedgeReport(1, 3, "quotes"), result.Hedge);
    }

    [Fact]
    public async Task The_callers_cancellation_cancels_every_attempt()
    {
        var attempts = new Attempts();
        var handle = Handle(o => Hedged(o));
        using var cancellation = new CancellationTokenSource();
        var call = CallAndHedge(handle, new GuardedCall<int>("quotes", attempts.Run), attempts, attempts, cancellation.Token);

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(EventLimit));
        AwaitCondition(() => attempts.Cancelled(1) && attempts.Cancelled(2), EventLimit, TimeSpan.FromMilliseconds(20));
        AwaitCondition(() => StatusOf(handle.Actor).Bulkhead.InFlight == 0, EventLimit, TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public async Task Calls_through_the_callers_side_are_hedged_by_the_actor()
    {
        var attempts = new Attempts();
        var handle = Handle(o => Hedged(o));
        var call = CallAndHedge(handle, new GuardedCall<int>("quotes", attempts.Run), attempts, attempts);
        attempts.Answer(2, 9);
        var answered = await call.WaitAsync(EventLimit);
        Assert.Equal((9, 2), (answered.Value, answered.Hedge!.WinningAttempt));
    }

    [Fact]
    public void With_a_percentile_the_delay_follows_the_latency_of_the_last_answers_once_enough_were_seen()
    {
        var quotes = Dependency("quotes", o =>
        {
            Hedged(o);
            o.Hedging.Delay = TimeSpan.FromSeconds(1);
            o.Hedging.Percentile = 90;
        });
        for (var i = 0; i < HedgingOptions.MinimumSamples - 1; i++)
        {
            quotes.Tell(new GuardedCall<int>("quotes", _ => Task.FromResult(1)) { ReplyTo = TestActor });
            ExpectResult<int>();
        }
        Assert.Equal(TimeSpan.FromSeconds(1), StatusOf(quotes).Hedging!.Delay); // too few answers: the fixed delay

        quotes.Tell(new GuardedCall<int>("quotes", _ => Task.FromResult(1)) { ReplyTo = TestActor });
        ExpectResult<int>();
        Assert.Equal(TimeSpan.Zero, StatusOf(quotes).Hedging!.Delay); // the answers took no virtual time

        // Now a slow call is hedged at once.
        var attempts = new Attempts();
        quotes.Tell(Call(attempts));
        Settle(quotes);
        Advance(TimeSpan.FromMilliseconds(1));
        attempts.WaitForStarts(2);
        attempts.Answer(2, 2);
        Assert.Equal(2, ExpectResult<int>().Hedge!.WinningAttempt);
    }

    [Fact]
    public void A_restarted_actor_keeps_the_hedge_timer_of_a_running_call()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o => Hedged(o));
        quotes.Tell(Call(attempts));
        attempts.WaitForStarts(1);
        quotes.Tell(new CrashDependencyActor("quotes"));
        Settle(quotes);
        Advance(Delay);
        attempts.WaitForStarts(2);
        attempts.Answer(2, 2);
        Assert.Equal(2, ExpectResult<int>().Hedge!.WinningAttempt);
    }

    [Fact]
    public async Task Hedging_switched_on_at_run_time_applies_to_the_next_calls_on_both_sides()
    {
        var handle = Handle(o => o.Timeout = TimeSpan.FromSeconds(10));
        handle.Actor.Tell(new ChangeDependencyOptions("quotes", o =>
        {
            o.Hedging.MaxHedges = 1;
            o.Hedging.Delay = Delay;
        }), TestActor);
        Assert.True(ExpectMsg<OptionsChangeResult>().Accepted);

        var attempts = new Attempts();
        var call = CallAndHedge(handle, new GuardedCall<int>("quotes", attempts.Run), attempts, attempts);
        attempts.Answer(1, 1);
        var answered = await call.WaitAsync(EventLimit);
        Assert.Equal(new HedgeReport(1, 1, "quotes"), answered.Hedge);
    }

    [Fact]
    public void A_failure_stops_the_hedges_of_its_try_so_no_hedge_stands_in_for_a_retry_without_backoff()
    {
        var attempts = new Attempts();
        var quotes = Dependency("quotes", o => Hedged(o, maxHedges: 2));
        StartAndHedge(quotes, attempts);
        attempts.Fail(1);
        // The failure's end reaches the actor from the work's thread: wait until its breaker has it, then move the clock.
        AwaitCondition(() => StatusOf(quotes).Breaker.WindowFailures == 1, EventLimit, TimeSpan.FromMilliseconds(20));
        Advance(Delay * 3);
        Settle(quotes);
        Assert.Equal(2, attempts.Started); // the second hedge never started
        attempts.Answer(2, 2);
        Assert.Equal(new HedgeReport(1, 2, "quotes"), ExpectResult<int>().Hedge);
    }

    [Fact]
    public void A_stopped_actor_answers_a_hedged_call_gives_every_place_back_and_cancels_every_attempt()
    {
        var attempts = new Attempts();
        var handle = Handle(o => Hedged(o));
        var before = handle.Slots.InFlight;
        handle.Actor.Tell(Call(attempts));
        attempts.WaitForStarts(1);
        Settle(handle.Actor);
        Advance(Delay);
        attempts.WaitForStarts(2);
        Assert.Equal(before + 2, handle.Slots.InFlight);

        Watch(handle.Actor);
        Sys.Stop(handle.Actor);
        var result = ExpectResult<int>();
        Assert.Equal((CallOutcome.Failed, DegradationReason.ActorFailure), (result.Outcome, result.Reason));
        ExpectTerminated(handle.Actor);
        Assert.Equal(before, handle.Slots.InFlight);
        AwaitCondition(() => attempts.Cancelled(1) && attempts.Cancelled(2), EventLimit, TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public void A_caller_waits_as_long_as_the_hedges_may_take()
    {
        var handle = Handle(o =>
        {
            o.Timeout = TimeSpan.FromSeconds(2);
            o.Hedging.MaxHedges = 5;
            o.Hedging.Delay = TimeSpan.FromSeconds(1.9);
        });
        var call = new GuardedCall<int>("quotes", _ => Task.FromResult(1));
        // Queue wait and one attempt (2 s each), five hedges 1.9 s apart, the last running its 2 s.
        Assert.True(handle.LongestAnswerTime(call, Time, TimeSpan.Zero) >= TimeSpan.FromSeconds(2 + 2 + 5 * 1.9 + 2));
    }

    // ---- the replica as target -----------------------------------------------------------------------------------------

    private DependencyHandle Handle(Action<DependencyOptions> configure) => SupervisedHandle("quotes", configure);

    private DependencyDirectory ProfileWithReplica(Action<DependencyOptions>? replica = null, int retries = 1) =>
        SuperviseDependencies(options =>
        {
            options.AddDependency("profile", o =>
            {
                Hedged(o);
                o.Retry.MaxAttempts = retries;
                o.Replica = "profile-replica";
                o.Hedging.Target = HedgeTarget.Replica;
            });
            options.AddDependency("profile-replica", o =>
            {
                o.Timeout = TimeSpan.FromSeconds(10);
                replica?.Invoke(o);
            });
        });

    [Fact]
    public async Task Hedges_go_to_the_replica_whose_answer_wins_marked_possibly_stale_and_the_slow_primary_is_cancelled()
    {
        var primary = new Attempts();
        var replica = new Attempts();
        var profile = ProfileWithReplica().Handles["profile"];
        var call = CallAndHedge(profile, new GuardedCall<int>("profile", primary.Run) { ReplicaWork = replica.Run }, primary, replica);
        Assert.Equal(1, primary.Started);

        replica.Answer(1, 99);
        var result = await call.WaitAsync(EventLimit);
        Assert.Equal((CallOutcome.Succeeded, 99, ValueFreshness.PossiblyStale), (result.Outcome, result.Value, result.Freshness));
        Assert.Equal(new HedgeReport(1, 2, "profile-replica"), result.Hedge);
        AwaitCondition(() => primary.Cancelled(1), EventLimit, TimeSpan.FromMilliseconds(20));
        Assert.Equal(1L, StatusOf(profile.Actor).Hedging!.Won);
    }

    [Fact]
    public async Task A_replica_hedge_that_fails_leaves_the_primary_to_answer()
    {
        var primary = new Attempts();
        var replica = new Attempts();
        var profile = ProfileWithReplica().Handles["profile"];
        var call = CallAndHedge(profile, new GuardedCall<int>("profile", primary.Run) { ReplicaWork = replica.Run }, primary, replica);

        replica.Fail(1);
        Settle(profile.Actor);
        Assert.False(call.IsCompleted);
        primary.Answer(1, 1);
        var answered = await call.WaitAsync(EventLimit);
        Assert.Equal((1, ValueFreshness.Live), (answered.Value, answered.Freshness));
        Assert.Equal(new HedgeReport(1, 1, "profile"), answered.Hedge);
    }

    [Fact]
    public async Task A_call_without_replica_work_hedges_on_the_dependency_itself()
    {
        var primary = new Attempts();
        var profile = ProfileWithReplica().Handles["profile"];
        var call = CallAndHedge(profile, new GuardedCall<int>("profile", primary.Run), primary, primary);
        primary.Answer(2, 2);
        var answered = await call.WaitAsync(EventLimit);
        Assert.Equal(new HedgeReport(1, 2, "profile"), answered.Hedge);
    }

    [Fact]
    public async Task The_callers_cancellation_while_only_the_replicas_hedge_runs_answers_cancelled_without_retry_or_fallback()
    {
        var primary = new Attempts();
        var replica = new Attempts();
        var fallbacks = 0;
        var profile = ProfileWithReplica(retries: 3).Handles["profile"];
        using var cancellation = new CancellationTokenSource();
        var call = CallAndHedge(profile, new GuardedCall<int>("profile", primary.Run)
        {
            ReplicaWork = replica.Run,
            Fallback = (_, _) => Task.FromResult(Interlocked.Increment(ref fallbacks)),
        }, primary, replica, cancellation.Token);
        primary.Fail(1); // the call now waits for the hedge
        Settle(profile.Actor);

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(EventLimit));
        AwaitCondition(() => profile.Gate.Admitted == 0, EventLimit, TimeSpan.FromMilliseconds(20)); // answered by the actor too: out of the room
        Assert.Equal(0L, StatusOf(profile.Actor).Retry!.Retries);
        Assert.Equal((1, 0), (primary.Started, Volatile.Read(ref fallbacks)));
    }

    [Fact]
    public async Task When_the_primary_and_the_replicas_hedge_both_fail_the_chain_does_not_ask_the_replica_again()
    {
        var primary = new Attempts();
        var replica = new Attempts();
        var profile = ProfileWithReplica().Handles["profile"];
        var call = CallAndHedge(profile, new GuardedCall<int>("profile", primary.Run)
        {
            ReplicaWork = replica.Run,
            Fallback = (_, _) => Task.FromResult(-1),
        }, primary, replica);
        replica.Fail(1);
        Settle(profile.Actor);
        primary.Fail(1);

        var result = await call.WaitAsync(EventLimit);
        Assert.Equal((CallOutcome.Fallback, FallbackSource.CallFallback, -1), (result.Outcome, result.Source, result.Value));
        Assert.Equal(1, replica.Started);
        var steps = result.Trail.Select(t => t.Step).ToList();
        Assert.Contains("hedge:profile-replica", steps);
        Assert.DoesNotContain("replica:profile-replica", steps);
        Assert.Equal(new HedgeReport(1, null, null), result.Hedge);
    }

    [Fact]
    public async Task No_hedge_goes_to_a_replica_whose_breaker_turns_calls_away()
    {
        var primary = new Attempts();
        var replica = new Attempts();
        var directory = ProfileWithReplica();
        var profileReplica = directory.Handles["profile-replica"].Actor;
        profileReplica.Tell(new IsolateBreaker("profile-replica"), TestActor);
        ExpectMsg<BreakerCommandAccepted>();
        var profile = directory.Handles["profile"];
        var call = profile.CallAsync(new GuardedCall<int>("profile", primary.Run) { ReplicaWork = replica.Run }).AsTask();
        primary.WaitForStarts(1);
        Settle(profile.Actor);
        Advance(Delay);
        Settle(profile.Actor);

        Assert.Equal(0, replica.Started);
        var hedging = StatusOf(profile.Actor).Hedging!;
        Assert.Equal((0L, true), (hedging.Started, hedging.Skipped >= 1));
        primary.Answer(1, 1);
        Assert.Null((await call.WaitAsync(EventLimit)).Hedge);
    }
}
