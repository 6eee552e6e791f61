using Orchestrator.Actors.Bulkhead;

namespace Orchestrator.Tests.Policies;

public sealed class BulkheadTests
{
    private sealed record Item(string Name);

    private static Bulkhead<Item> Create(int maxConcurrency, int queueCapacity) => new(maxConcurrency, queueCapacity);

    private static Item[] Items(int n) => Enumerable.Range(1, n).Select(i => new Item($"i{i}")).ToArray();

    [Fact]
    public void A_new_bulkhead_is_empty()
    {
        var bulkhead = Create(3, 4);

        Assert.Equal(3, bulkhead.MaxConcurrency);
        Assert.Equal(4, bulkhead.QueueCapacity);
        Assert.Equal(0, bulkhead.InFlight);
        Assert.Equal(0, bulkhead.Queued);
        Assert.Empty(bulkhead.QueuedItems);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 5)]
    [InlineData(1, -1)]
    public void Bad_sizes_are_refused(int maxConcurrency, int queueCapacity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Bulkhead<Item>(maxConcurrency, queueCapacity));
    }

    [Fact]
    public void Null_items_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => Create(1, 1).TryEnter(null!));
    }

    [Fact]
    public void Items_run_up_to_max_concurrency_then_queue_up_to_capacity_then_are_rejected()
    {
        var bulkhead = Create(2, 3);
        var items = Items(7);

        Assert.Equal(BulkheadAdmission.Run, bulkhead.TryEnter(items[0]));
        Assert.Equal(BulkheadAdmission.Run, bulkhead.TryEnter(items[1]));
        Assert.Equal(2, bulkhead.InFlight);
        Assert.Equal(0, bulkhead.Queued);

        Assert.Equal(BulkheadAdmission.Queued, bulkhead.TryEnter(items[2]));
        Assert.Equal(BulkheadAdmission.Queued, bulkhead.TryEnter(items[3]));
        Assert.Equal(BulkheadAdmission.Queued, bulkhead.TryEnter(items[4]));
        Assert.Equal(2, bulkhead.InFlight);
        Assert.Equal(3, bulkhead.Queued);

        Assert.Equal(BulkheadAdmission.Rejected, bulkhead.TryEnter(items[5]));
        Assert.Equal(BulkheadAdmission.Rejected, bulkhead.TryEnter(items[6]));

        Assert.Equal(2, bulkhead.InFlight);
        Assert.Equal(3, bulkhead.Queued);
        Assert.Equal([items[2], items[3], items[4]], bulkhead.QueuedItems);
    }

    [Fact]
    public void With_no_queue_items_beyond_max_concurrency_are_rejected_at_once()
    {
        var bulkhead = Create(2, 0);
        var items = Items(3);

        Assert.Equal(BulkheadAdmission.Run, bulkhead.TryEnter(items[0]));
        Assert.Equal(BulkheadAdmission.Run, bulkhead.TryEnter(items[1]));
        Assert.Equal(BulkheadAdmission.Rejected, bulkhead.TryEnter(items[2]));

        Assert.Equal(0, bulkhead.Queued);
        Assert.False(bulkhead.TryStartNext(out _));

        bulkhead.Release();
        Assert.Equal(BulkheadAdmission.Run, bulkhead.TryEnter(items[2]));
        Assert.Equal(2, bulkhead.InFlight);
    }

    [Fact]
    public void After_a_release_queued_items_start_in_arrival_order()
    {
        var bulkhead = Create(1, 3);
        var items = Items(4);
        foreach (var item in items) bulkhead.TryEnter(item);
        Assert.Equal(1, bulkhead.InFlight);
        Assert.Equal(3, bulkhead.Queued);

        // No slot free: nothing starts.
        Assert.False(bulkhead.TryStartNext(out _));

        for (var i = 1; i < items.Length; i++)
        {
            bulkhead.Release();
            Assert.Equal(0, bulkhead.InFlight);
            Assert.True(bulkhead.TryStartNext(out var next));
            Assert.Same(items[i], next);
            Assert.Equal(1, bulkhead.InFlight);
            Assert.Equal(items.Length - 1 - i, bulkhead.Queued);
            Assert.False(bulkhead.TryStartNext(out _));
        }

        bulkhead.Release();
        Assert.False(bulkhead.TryStartNext(out var none));
        Assert.Null(none);
        Assert.Equal(0, bulkhead.InFlight);
    }

    [Fact]
    public void A_new_item_does_not_overtake_waiting_items_when_a_slot_frees()
    {
        var bulkhead = Create(1, 2);
        var items = Items(3);
        bulkhead.TryEnter(items[0]);
        bulkhead.TryEnter(items[1]);
        bulkhead.Release();

        // A slot is free but an older item waits: the newcomer queues behind it.
        Assert.Equal(BulkheadAdmission.Queued, bulkhead.TryEnter(items[2]));
        Assert.True(bulkhead.TryStartNext(out var next));
        Assert.Same(items[1], next);
    }

    [Fact]
    public void Several_slots_free_start_several_waiting_items()
    {
        var bulkhead = Create(3, 5);
        var items = Items(6);
        foreach (var item in items) bulkhead.TryEnter(item);

        bulkhead.Release();
        bulkhead.Release();

        var started = new List<Item>();
        while (bulkhead.TryStartNext(out var next)) started.Add(next);

        Assert.Equal([items[3], items[4]], started);
        Assert.Equal(3, bulkhead.InFlight);
        Assert.Equal([items[5]], bulkhead.QueuedItems);
    }

    [Fact]
    public void RemoveQueued_takes_a_waiting_item_out_of_the_queue()
    {
        var bulkhead = Create(1, 3);
        var items = Items(4);
        foreach (var item in items) bulkhead.TryEnter(item);

        Assert.True(bulkhead.RemoveQueued(items[2]));

        Assert.Equal(2, bulkhead.Queued);
        Assert.Equal([items[1], items[3]], bulkhead.QueuedItems);
        Assert.False(bulkhead.RemoveQueued(items[2]));

        bulkhead.Release();
        Assert.True(bulkhead.TryStartNext(out var first));
        Assert.Same(items[1], first);
        bulkhead.Release();
        Assert.True(bulkhead.TryStartNext(out var second));
        Assert.Same(items[3], second);
    }

    [Fact]
    public void RemoveQueued_of_an_item_that_is_not_waiting_returns_false_and_changes_nothing()
    {
        var bulkhead = Create(1, 2);
        var items = Items(3);
        bulkhead.TryEnter(items[0]); // running
        bulkhead.TryEnter(items[1]); // queued

        Assert.False(bulkhead.RemoveQueued(items[0]));
        Assert.False(bulkhead.RemoveQueued(items[2]));
        Assert.False(bulkhead.RemoveQueued(new Item("i2"))); // equal by value, but not the same item

        Assert.Equal(1, bulkhead.InFlight);
        Assert.Equal([items[1]], bulkhead.QueuedItems);
    }

    [Fact]
    public void RemoveQueued_makes_room_in_the_queue()
    {
        var bulkhead = Create(1, 1);
        var items = Items(3);
        bulkhead.TryEnter(items[0]);
        bulkhead.TryEnter(items[1]);
        Assert.Equal(BulkheadAdmission.Rejected, bulkhead.TryEnter(items[2]));

        bulkhead.RemoveQueued(items[1]);

        Assert.Equal(BulkheadAdmission.Queued, bulkhead.TryEnter(items[2]));
    }

    [Fact]
    public void An_item_started_from_the_queue_can_no_longer_be_removed()
    {
        var bulkhead = Create(1, 1);
        var items = Items(2);
        bulkhead.TryEnter(items[0]);
        bulkhead.TryEnter(items[1]);
        bulkhead.Release();
        bulkhead.TryStartNext(out _);

        Assert.False(bulkhead.RemoveQueued(items[1]));
        Assert.Equal(1, bulkhead.InFlight);
    }

    [Fact]
    public void Release_without_a_slot_in_use_throws()
    {
        var bulkhead = Create(2, 2);
        Assert.Throws<InvalidOperationException>(bulkhead.Release);

        bulkhead.TryEnter(new Item("a"));
        bulkhead.Release();
        Assert.Throws<InvalidOperationException>(bulkhead.Release);
        Assert.Equal(0, bulkhead.InFlight);
    }
}

