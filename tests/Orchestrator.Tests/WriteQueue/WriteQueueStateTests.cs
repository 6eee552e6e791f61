using Orchestrator.WriteQueue;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.WriteQueue;

public sealed class WriteQueueStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static QueuedWrite Write(string id, long sequence, string key, string target = "ledger") =>
        new(id, sequence, target, key, id, $"payload {id}", T0.AddSeconds(sequence));

    private static WriteQueueState With(params QueuedWrite[] writes)
    {
        var state = new WriteQueueState();
        foreach (var w in writes) state.Apply(new WriteQueued(w));
        return state;
    }

    [Fact]
    public void Only_the_head_of_each_target_and_key_lane_is_offered_oldest_first()
    {
        var state = With(Write("a1", 1, "a"), Write("b1", 2, "b"), Write("a2", 3, "a"), Write("c1", 4, "a", target: "mail"));
        Assert.Equal(["a1", "b1", "c1"], state.Heads().Select(w => w.Id));

        state.Apply(new WriteDelivered("a1", T0));
        Assert.Equal(["b1", "a2", "c1"], state.Heads().Select(w => w.Id));
        Assert.Equal(3, state.PendingCount);
        Assert.Equal("b1", state.Oldest!.Id);
    }

    [Fact]
    public void Failed_attempts_count_and_poisoning_frees_the_lane_and_a_redrive_goes_to_its_end()
    {
        var state = With(Write("a1", 1, "a"), Write("a2", 2, "a"));
        state.Apply(new WriteAttemptFailed("a1", "first"));
        Assert.True(state.TryGetPending("a1", out var failed));
        Assert.Equal((1, "first"), (failed.Attempts, failed.LastError));

        state.Apply(new WritePoisoned("a1", "second", T0));
        Assert.Equal(["a2"], state.Heads().Select(w => w.Id));
        var poisoned = Assert.Single(state.Poisoned);
        Assert.Equal((2, "second"), (poisoned.Write.Attempts, poisoned.Write.LastError));

        state.Apply(new WriteQueued(Write("a3", 3, "a")));
        state.Apply(new WriteRedriven("a1", 4));
        Assert.Empty(state.Poisoned);
        state.Apply(new WriteDelivered("a2", T0));
        state.Apply(new WriteDelivered("a3", T0));
        Assert.True(state.TryGetPending("a1", out var redriven));
        Assert.Equal((4L, 0, (string?)null), (redriven.Sequence, redriven.Attempts, redriven.LastError));
        Assert.Equal(4, state.LastSequence);
    }

    [Fact]
    public void A_snapshot_restores_lanes_in_order_the_poison_list_and_the_last_sequence()
    {
        var state = With(Write("a1", 1, "a"), Write("b1", 2, "b"), Write("a2", 3, "a"), Write("x", 4, "x"));
        state.Apply(new WritePoisoned("x", "bad", T0));
        state.Apply(new WriteDropped("nothing"));

        var restored = WriteQueueState.From(state.ToSnapshot());

        Assert.Equal(state.Heads().Select(w => w.Id), restored.Heads().Select(w => w.Id));
        Assert.Equal(3, restored.PendingCount);
        Assert.Equal("x", Assert.Single(restored.Poisoned).Write.Id);
        Assert.Equal(4, restored.LastSequence);
        restored.Apply(new WriteDelivered("a1", T0));
        Assert.Equal(["b1", "a2"], restored.Heads().Select(w => w.Id));
    }
}
