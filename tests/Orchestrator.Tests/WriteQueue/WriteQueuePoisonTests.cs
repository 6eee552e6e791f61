using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.WriteQueue;

public sealed class WriteQueuePoisonTests(ITestOutputHelper output) : WriteQueueTestBase(output)
{
    [Fact]
    public void After_max_attempts_an_entry_is_poisoned_with_its_last_error_and_no_longer_holds_up_its_key()
    {
        Options.MaxAttempts = 2;
        var broken = true;
        Target.Behaviour = (w, _) => w.Payload == "bad" && Volatile.Read(ref broken) ? throw new IOException("ledger rejects it") : Task.CompletedTask;
        var queue = StartQueue();
        var bad = Enqueue(queue, "k", "bad");
        Enqueue(queue, "k", "good");

        WaitUntil(() => Target.AttemptsOf(bad) == 1 && StatusOf(queue).InFlight == 0, "the first attempt fails");
        Advance(TimeSpan.FromSeconds(1));
        WaitUntil(() => PoisonOf(queue).Entries.Count == 1, "the entry is poisoned after its second attempt");
        WaitUntil(() => StatusOf(queue).Depth == 0, "the next write of the key is delivered");

        var poisoned = Assert.Single(PoisonOf(queue).Entries);
        Assert.Equal(bad, poisoned.Write.Id);
        Assert.Equal(2, poisoned.Write.Attempts);
        Assert.Contains("ledger rejects it", poisoned.Write.LastError);
        Assert.Equal(["good"], Target.PayloadsOf("k"));
        Assert.Equal(1, StatusOf(queue).Poisoned);
    }

    [Fact]
    public void A_write_the_target_refuses_is_poisoned_at_once_without_further_attempts()
    {
        // A 409 or 400 says the write itself is wrong: trying again gives the same answer, so it is not retried.
        Options.MaxAttempts = 5;
        Target.Behaviour = (w, _) => w.Payload == "conflicting"
            ? throw new HttpRequestException("'payments' answered 409 Conflict: the key was used with another amount", null, System.Net.HttpStatusCode.Conflict)
            : Task.CompletedTask;
        var queue = StartQueue();
        var refused = Enqueue(queue, "k", "conflicting");
        Enqueue(queue, "k", "next");

        WaitUntil(() => PoisonOf(queue).Entries.Count == 1 && StatusOf(queue).Depth == 0, "the refused write is poisoned and the next is delivered");
        var poisoned = Assert.Single(PoisonOf(queue).Entries).Write;
        Assert.Equal(refused, poisoned.Id);
        Assert.Equal(1, Target.AttemptsOf(refused));
        Assert.StartsWith("refused by ", poisoned.LastError);
        Assert.Contains("409 Conflict", poisoned.LastError);
        Assert.Equal(["next"], Target.PayloadsOf("k"));
    }

    [Fact]
    public void A_redriven_entry_is_delivered_with_fresh_attempts_and_a_dropped_one_never()
    {
        Options.MaxAttempts = 1;
        var broken = 1;
        Target.Behaviour = (_, _) => Volatile.Read(ref broken) == 1 ? throw new IOException("down") : Task.CompletedTask;
        var queue = StartQueue();
        var redriven = Enqueue(queue, "a", "redrive me");
        var dropped = Enqueue(queue, "b", "drop me");
        WaitUntil(() => PoisonOf(queue).Entries.Count == 2, "both entries are poisoned");

        Volatile.Write(ref broken, 0);
        queue.Tell(new RedrivePoisoned(redriven), TestActor);
        ExpectMsg(new PoisonCommandDone(redriven));
        queue.Tell(new DropPoisoned(dropped), TestActor);
        ExpectMsg(new PoisonCommandDone(dropped));

        WaitUntil(() => StatusOf(queue).Depth == 0 && Target.Applied.Count == 1, "the re-driven entry is delivered");
        Assert.Equal(redriven, Assert.Single(Target.Applied).Id);
        Assert.Empty(PoisonOf(queue).Entries);

        queue.Tell(new DropPoisoned(dropped), TestActor);
        ExpectMsg(new PoisonEntryNotFound(dropped));
        queue.Tell(new RedrivePoisoned("w-nothing"), TestActor);
        ExpectMsg(new PoisonEntryNotFound("w-nothing"));
    }

    [Fact]
    public void A_delivery_whose_answer_does_not_come_within_the_delivery_timeout_is_a_failed_attempt()
    {
        // The dependency's own timeout runs on the virtual clock, which stands still: only DeliveryTimeout (real time) ends the wait.
        Options.MaxAttempts = 1;
        Options.DeliveryTimeout = TimeSpan.FromMilliseconds(200);
        Target.Behaviour = (_, _) => new TaskCompletionSource().Task;
        var queue = StartQueue();
        var id = Enqueue(queue, "k", "x");

        WaitUntil(() => PoisonOf(queue).Entries.Count == 1, "the entry is poisoned when its answer does not come");
        var poisoned = Assert.Single(PoisonOf(queue).Entries).Write;
        Assert.Equal(id, poisoned.Id);
        Assert.Contains("AskTimeoutException", poisoned.LastError);
    }

    [Fact]
    public void The_poison_list_survives_a_restart()
    {
        Options.MaxAttempts = 1;
        Target.Behaviour = (_, _) => throw new IOException("down");
        var queue = StartQueue();
        var id = Enqueue(queue, "k", "x");
        WaitUntil(() => PoisonOf(queue).Entries.Count == 1, "the entry is poisoned");
        Kill(queue);

        var again = StartQueue();
        Assert.Equal(id, Assert.Single(PoisonOf(again).Entries).Write.Id);
        Assert.Equal(0, StatusOf(again).Depth);
    }
}
