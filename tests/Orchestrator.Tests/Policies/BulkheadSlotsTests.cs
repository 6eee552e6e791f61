using Orchestrator.Actors.Bulkhead;

namespace Orchestrator.Tests.Policies;

/// <summary>
/// The bulkhead's running places on their own: taken and given back, the queue's priority over callers who would
/// run on their own side, the releaser's word that calls wait, and no place handed out twice when callers race.
/// </summary>
public sealed class BulkheadSlotsTests
{
    [Fact]
    public void Places_are_taken_up_to_the_limit_and_given_back()
    {
        var slots = new BulkheadSlots(2);
        Assert.True(slots.TryTake());
        Assert.True(slots.TryTake());
        Assert.False(slots.TryTake());
        Assert.Equal(2, slots.InFlight);

        Assert.False(slots.Release()); // nothing waits
        Assert.Equal(1, slots.InFlight);
        Assert.True(slots.TryTake());
    }

    [Fact]
    public void A_caller_does_not_go_ahead_of_queued_calls_even_with_a_place_free()
    {
        var slots = new BulkheadSlots(4);
        Assert.True(slots.TryTakeAhead());
        slots.PublishQueued(1);
        Assert.False(slots.TryTakeAhead());
        Assert.Equal(1, slots.InFlight); // the refusal took nothing
        Assert.True(slots.TryTake());    // the actor, starting the queued call, still may

        slots.PublishQueued(0);
        Assert.True(slots.TryTakeAhead());
        Assert.Equal(3, slots.InFlight);
    }

    [Fact]
    public void Release_says_whether_calls_wait_in_the_queue()
    {
        var slots = new BulkheadSlots(1);
        Assert.True(slots.TryTake());
        Assert.False(slots.Release());

        Assert.True(slots.TryTake());
        slots.PublishQueued(2);
        Assert.True(slots.Release());
        Assert.Equal(2, slots.Queued);
    }

    [Fact]
    public void A_release_without_a_place_in_use_is_refused_and_counts_nothing()
    {
        var slots = new BulkheadSlots(1);
        var e = Assert.Throws<InvalidOperationException>(() => slots.Release());
        Assert.Equal("Release without a place in use.", e.Message);
        Assert.Equal(0, slots.InFlight);
        Assert.True(slots.TryTake());
        Assert.False(slots.TryTake());
    }

    [Fact]
    public void A_bulkhead_needs_at_least_one_place()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BulkheadSlots(0));
        Assert.Equal("maxConcurrency", e.ParamName);
    }

    /// <summary>
    /// Two threads take places as fast as they can from a bulkhead too big to fill: every place they were told they
    /// took must be counted. A compare-and-swap that lost the race and still answered "taken" hands out a place
    /// that is not counted, so the limit would let one call too many run.
    /// </summary>
    [Fact]
    public void Racing_takers_are_each_counted_for_the_place_they_were_given()
    {
        const int perThread = 500_000;
        var slots = new BulkheadSlots(int.MaxValue);
        using var start = new Barrier(2);
        var taken = new int[2];
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++)
                if (slots.TryTake()) taken[t]++;
        }) { IsBackground = true }).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.Equal(2 * perThread, taken[0] + taken[1]);
        Assert.Equal(taken[0] + taken[1], slots.InFlight);
    }
}
