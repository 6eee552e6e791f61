using Akka.Actor;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.WriteQueue;

public sealed class WriteQueueDeliveryTests(ITestOutputHelper output) : WriteQueueTestBase(output)
{
    [Fact]
    public void Writes_of_one_key_are_applied_in_order_and_one_slow_key_does_not_hold_up_another()
    {
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Target.Behaviour = (w, _) => w.Payload == "a1" ? releaseFirst.Task : Task.CompletedTask;
        var queue = StartQueue();

        var ids = new[] { "a1", "a2", "a3" }.Select(payload => Enqueue(queue, "A", payload)).ToList();
        foreach (var payload in new[] { "b1", "b2", "b3" }) Enqueue(queue, "B", payload);

        // B's writes all go through while A's first is held; none of A's later writes overtakes it.
        WaitUntil(() => Target.PayloadsOf("B").Count == 3, "B's three writes are applied");
        Assert.Empty(Target.PayloadsOf("A"));
        Assert.Equal(0, Target.AttemptsOf(ids[1]));
        Assert.Equal(3, StatusOf(queue).Depth);

        releaseFirst.SetResult();
        WaitUntil(() => StatusOf(queue).Depth == 0, "the queue drains");
        Assert.Equal(["a1", "a2", "a3"], Target.PayloadsOf("A"));
        Assert.Equal(["b1", "b2", "b3"], Target.PayloadsOf("B"));
    }

    [Fact]
    public void A_failed_delivery_is_retried_after_an_exponential_backoff_on_virtual_time_and_its_key_waits()
    {
        // Draws are 0.5: the backoff before retry n is half of min(MaxDelay, BaseDelay * 2^(n-1)) = 0.5 s, then 1 s.
        Target.Behaviour = (w, attempt) => w.Payload == "first" && attempt <= 2 ? throw new IOException("ledger is down") : Task.CompletedTask;
        var queue = StartQueue();
        var first = Enqueue(queue, "k", "first");
        Enqueue(queue, "k", "second");

        WaitUntil(() => Target.AttemptsOf(first) == 1 && StatusOf(queue).InFlight == 0, "the first attempt fails");
        Advance(TimeSpan.FromMilliseconds(499));
        var waiting = StatusOf(queue);
        Assert.Equal((2, 0), (waiting.Depth, waiting.InFlight)); // still backing off; "second" may not overtake
        Assert.Equal(1, Target.AttemptsOf(first));
        Assert.Empty(Target.Applied);

        Advance(TimeSpan.FromMilliseconds(1));
        WaitUntil(() => Target.AttemptsOf(first) == 2 && StatusOf(queue).InFlight == 0, "the second attempt fails");
        Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(2, Target.AttemptsOf(first));
        Assert.Equal(0, StatusOf(queue).InFlight);

        Advance(TimeSpan.FromMilliseconds(1));
        WaitUntil(() => StatusOf(queue).Depth == 0, "the third attempt succeeds and the key drains");
        Assert.Equal(["first", "second"], Target.PayloadsOf("k"));
        Assert.Equal(3, Target.AttemptsOf(first));
    }

    [Fact]
    public void A_redelivery_after_a_lost_answer_is_harmless_the_target_applies_the_idempotency_key_once()
    {
        Target.LoseAnswer = (_, attempt) => attempt == 1;
        var queue = StartQueue();
        var id = Enqueue(queue, "k", "charge 10", idempotencyKey: "order-1");

        WaitUntil(() => Target.AttemptsOf("order-1") == 1 && StatusOf(queue).InFlight == 0, "the first attempt applies, then fails");
        Advance(TimeSpan.FromSeconds(1));
        WaitUntil(() => StatusOf(queue).Depth == 0, "the redelivery succeeds");

        Assert.Equal(2, Target.AttemptsOf("order-1"));
        var applied = Assert.Single(Target.Applied);
        Assert.Equal(id, applied.Id);
    }

    [Fact]
    public void The_idempotency_key_is_the_entry_id_when_none_is_given()
    {
        var queue = StartQueue();
        var id = Enqueue(queue, "k", "x");
        WaitUntil(() => StatusOf(queue).Depth == 0, "the write is delivered");
        Assert.Equal(id, Assert.Single(Target.Applied).IdempotencyKey);
    }

    [Fact]
    public void While_the_target_breaker_is_open_deliveries_pause_without_spending_attempts_and_resume_after_it_closes()
    {
        Options.MaxAttempts = 1; // a counted attempt would poison the write at once
        var queue = StartQueue();
        Dependencies.Tell(new IsolateBreaker(Ledger), TestActor);
        ExpectMsg<BreakerCommandAccepted>();

        Enqueue(queue, "k", "x");
        WaitUntil(() => StatusOf(queue).PausedTargets.Contains(Ledger), "deliveries to the ledger pause");
        Assert.Equal(0, Target.TotalAttempts);
        Assert.Empty(PoisonOf(queue).Entries);

        Dependencies.Tell(new ResetBreaker(Ledger), TestActor);
        ExpectMsg<BreakerCommandAccepted>();
        Advance(Options.PausedDelay);
        WaitUntil(() => StatusOf(queue).Depth == 0, "the write is delivered once the breaker is closed");
        Assert.Single(Target.Applied);
    }

    [Fact]
    public void Status_shows_depth_and_the_oldest_entry_age_on_the_queue_clock()
    {
        Target.Behaviour = (_, _) => throw new IOException("down");
        Options.BaseDelay = TimeSpan.FromMinutes(1);
        Options.MaxDelay = TimeSpan.FromMinutes(1);
        var queue = StartQueue();
        Enqueue(queue, "k", "x");
        Enqueue(queue, "j", "y");
        WaitUntil(() => Target.TotalAttempts == 2 && StatusOf(queue).InFlight == 0, "both first attempts fail");

        Advance(TimeSpan.FromSeconds(12));
        var status = StatusOf(queue);
        Assert.Equal(2, status.Depth);
        Assert.Equal(12, status.OldestAgeSeconds, 3);
        Assert.NotNull(status.OldestEnqueuedAt);
    }

    [Fact]
    public void An_unknown_target_or_a_missing_key_is_refused_naming_the_problem()
    {
        var queue = StartQueue();
        queue.Tell(new EnqueueWrite("mail", "k", "x"), TestActor);
        Assert.Contains("no target 'mail'; targets: ledger", ExpectMsg<EnqueueFailed>().Error);
        queue.Tell(new EnqueueWrite(Ledger, " ", "x"), TestActor);
        Assert.Contains("needs a key", ExpectMsg<EnqueueFailed>().Error);
        Assert.Equal(0, StatusOf(queue).Depth);
    }

    [Fact]
    public void A_full_queue_refuses_the_write_naming_the_setting()
    {
        Target.Behaviour = (_, _) => new TaskCompletionSource().Task; // never finishes: the entries stay
        Options.MaxEntries = 2;
        var queue = StartQueue();
        Enqueue(queue, "k", "1");
        Enqueue(queue, "k", "2");
        queue.Tell(new EnqueueWrite(Ledger, "k", "3"), TestActor);
        Assert.Contains("Orchestrator:WriteQueue:MaxEntries is 2", ExpectMsg<EnqueueFailed>().Error);
    }
}
