using Akka.Actor;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.WriteQueue;

/// <summary>
/// The queue holds at most one waiting or poisoned entry per target and idempotency key: the same write enqueued
/// again (a caller retrying after a timeout, a recovery re-queueing an order's charge) is answered with the entry
/// already held, before the capacity check, and stores nothing new.
/// </summary>
public sealed class WriteQueueIdempotencyTests(ITestOutputHelper output) : WriteQueueTestBase(output)
{
    private AcceptedForProcessing EnqueueAnswer(IActorRef queue, string key, string payload, string idempotencyKey)
    {
        queue.Tell(new EnqueueWrite(Ledger, key, payload, idempotencyKey), TestActor);
        return ExpectMsg<AcceptedForProcessing>(Patience);
    }

    [Fact]
    public void A_write_enqueued_again_with_the_same_idempotency_key_is_answered_with_the_entry_held_and_applied_once()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Target.Behaviour = (_, _) => hold.Task;
        var queue = StartQueue();

        var first = EnqueueAnswer(queue, "user-1", "charge 10", "order-1");
        var again = EnqueueAnswer(queue, "user-1", "charge 10", "order-1");
        var other = EnqueueAnswer(queue, "user-1", "charge 12", "order-2");

        Assert.False(first.AlreadyQueued);
        Assert.True(again.AlreadyQueued);
        Assert.Equal(first.Id, again.Id);
        Assert.False(other.AlreadyQueued);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal(2, StatusOf(queue).Depth);

        hold.SetResult();
        WaitUntil(() => StatusOf(queue).Depth == 0, "the queue drains");
        Assert.Equal(["charge 10", "charge 12"], Target.PayloadsOf("user-1"));
        Assert.Equal(1, Target.AttemptsOf("order-1"));
    }

    [Fact]
    public void The_same_key_for_another_target_or_after_delivery_is_a_new_write()
    {
        var queue = StartQueue();
        var first = EnqueueAnswer(queue, "user-1", "charge 10", "order-1");
        WaitUntil(() => StatusOf(queue).Depth == 0, "the first write is delivered");

        // Delivered: the target itself now answers for the key (it applies it once); the queue no longer holds it.
        var later = EnqueueAnswer(queue, "user-1", "charge 10", "order-1");
        Assert.False(later.AlreadyQueued);
        Assert.NotEqual(first.Id, later.Id);
        WaitUntil(() => StatusOf(queue).Depth == 0, "the second write is delivered");
        Assert.Equal(2, Target.AttemptsOf("order-1"));
        Assert.Single(Target.Applied);
    }

    [Fact]
    public void A_duplicate_is_answered_even_when_the_queue_is_full()
    {
        Target.Behaviour = (_, _) => new TaskCompletionSource().Task; // never finishes: the entries stay
        Options.MaxEntries = 1;
        var queue = StartQueue();
        var first = EnqueueAnswer(queue, "user-1", "charge 10", "order-1");

        Assert.Equal(first.Id, EnqueueAnswer(queue, "user-1", "charge 10", "order-1").Id);
        queue.Tell(new EnqueueWrite(Ledger, "user-1", "charge 11", "order-2"), TestActor);
        Assert.Contains("MaxEntries is 1", ExpectMsg<EnqueueFailed>().Error);
    }

    [Fact]
    public void A_poisoned_entry_still_holds_its_key_until_it_is_dropped()
    {
        Options.MaxAttempts = 1;
        Target.Behaviour = (_, _) => throw new IOException("card declined for good");
        var queue = StartQueue();
        var first = EnqueueAnswer(queue, "user-1", "charge 10", "order-1");
        WaitUntil(() => PoisonOf(queue).Entries.Count == 1, "the entry is poisoned");

        // An operator decides what happens to a poisoned charge; queueing it again must not go round that decision.
        Assert.Equal(first.Id, EnqueueAnswer(queue, "user-1", "charge 10", "order-1").Id);
        Assert.Equal(0, StatusOf(queue).Depth);

        queue.Tell(new DropPoisoned(first.Id), TestActor);
        ExpectMsg<PoisonCommandDone>();
        var after = EnqueueAnswer(queue, "user-1", "charge 10", "order-1");
        Assert.False(after.AlreadyQueued);
        Assert.NotEqual(first.Id, after.Id);
    }

    [Fact]
    public void The_index_of_keys_survives_a_restart_from_the_journal_and_from_a_snapshot()
    {
        Options.SnapshotEvery = 2;
        Dependencies.Tell(new IsolateBreaker(Ledger), TestActor); // nothing is delivered: every entry stays
        ExpectMsg<BreakerCommandAccepted>();
        var queue = StartQueue();
        var ids = Enumerable.Range(1, 3).Select(i => EnqueueAnswer(queue, $"user-{i}", $"charge {i}", $"order-{i}").Id).ToList();
        Kill(queue);

        var again = StartQueue();
        for (var i = 1; i <= 3; i++)
        {
            var answer = EnqueueAnswer(again, $"user-{i}", $"charge {i}", $"order-{i}");
            Assert.True(answer.AlreadyQueued, $"order-{i} is found after the restart");
            Assert.Equal(ids[i - 1], answer.Id);
        }
        Assert.Equal(3, StatusOf(again).Depth);
    }

    [Fact]
    public void The_same_key_for_a_different_payload_is_refused_naming_the_entry_that_holds_it()
    {
        Dependencies.Tell(new IsolateBreaker(Ledger), TestActor); // nothing is delivered: the entry stays
        ExpectMsg<BreakerCommandAccepted>();
        var queue = StartQueue();
        var first = EnqueueAnswer(queue, "user-1", "charge 10", "order-1");

        queue.Tell(new EnqueueWrite(Ledger, "user-1", "charge 99", "order-1"), TestActor);
        var refused = ExpectMsg<EnqueueFailed>(Patience);
        Assert.Contains($"already held by entry {first.Id} with a different key or payload", refused.Error);
        Assert.Equal(1, StatusOf(queue).Depth);
    }
}
