using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.WriteQueue;

public sealed class WriteQueueRecoveryTests(ITestOutputHelper output) : WriteQueueTestBase(output)
{
    [Fact]
    public void Accepted_writes_survive_a_crash_and_are_each_applied_once_in_order_per_key()
    {
        // The target is down: everything accepted stays in the queue. Then the queue dies.
        var down = 1;
        Target.Behaviour = (_, _) => Volatile.Read(ref down) == 1 ? throw new IOException("down") : Task.CompletedTask;
        Options.BaseDelay = Options.MaxDelay = TimeSpan.FromSeconds(1);
        var queue = StartQueue();
        var expected = new Dictionary<string, List<string>>();
        for (var i = 0; i < 30; i++)
        {
            var key = $"key-{i % 3}";
            Enqueue(queue, key, $"{key}:{i}");
            (expected.TryGetValue(key, out var list) ? list : expected[key] = []).Add($"{key}:{i}");
        }
        WaitUntil(() => Target.TotalAttempts == 3 && StatusOf(queue).InFlight == 0, "the three heads fail once");
        Kill(queue);

        // A new incarnation on the same journal; the target comes back.
        Volatile.Write(ref down, 0);
        var again = StartQueue();
        WaitUntil(() => StatusOf(again).Depth == 0, "the recovered queue drains");

        Assert.Equal(30, Target.Applied.Count);
        Assert.Equal(30, Target.Applied.Select(w => w.IdempotencyKey).Distinct().Count());
        foreach (var (key, payloads) in expected) Assert.Equal(payloads, Target.PayloadsOf(key));
    }

    [Fact]
    public void A_write_applied_just_before_the_crash_is_redelivered_and_applied_once()
    {
        // The target applies the write but the queue dies before it hears so: the new queue delivers it again.
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Target.LoseAnswer = (_, attempt) => attempt == 1;
        Target.Behaviour = (_, attempt) => attempt == 1 ? hold.Task : Task.CompletedTask;
        var queue = StartQueue();
        Enqueue(queue, "k", "x", idempotencyKey: "order-7");
        WaitUntil(() => Target.AttemptsOf("order-7") == 1, "the first delivery is under way");
        Kill(queue);
        hold.SetResult();

        var again = StartQueue();
        WaitUntil(() => StatusOf(again).Depth == 0, "the write is delivered again");
        Assert.Equal(2, Target.AttemptsOf("order-7"));
        Assert.Single(Target.Applied);
    }

    [Fact]
    public void Snapshots_keep_the_queue_and_its_order_when_old_events_are_deleted()
    {
        Options.SnapshotEvery = 3;
        Options.MaxAttempts = 1;
        var down = 1;
        Target.Behaviour = (w, _) => Volatile.Read(ref down) == 1 ? throw new IOException("down") : Task.CompletedTask;
        var queue = StartQueue();
        var poisoned = Enqueue(queue, "p", "poisoned");
        WaitUntil(() => PoisonOf(queue).Entries.Count == 1, "the first entry is poisoned");
        Dependencies.Tell(new IsolateBreaker(Ledger), TestActor); // keep the rest waiting, without attempts
        ExpectMsg<BreakerCommandAccepted>();
        for (var i = 0; i < 7; i++) Enqueue(queue, "k", $"{i}");
        Kill(queue);

        Volatile.Write(ref down, 0);
        Dependencies.Tell(new ResetBreaker(Ledger), TestActor);
        ExpectMsg<BreakerCommandAccepted>();
        var again = StartQueue();
        Assert.Equal(poisoned, Assert.Single(PoisonOf(again).Entries).Write.Id);
        WaitUntil(() => StatusOf(again).Depth == 0, "the recovered queue drains");
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6"], Target.PayloadsOf("k"));
    }
}
