using Orchestrator.Node.Shop.Orders;

namespace Orchestrator.Node.Tests;

/// <summary>The order book's idempotency keys on their own: replay, conflict, in progress, and a lease that ends.</summary>
public sealed class CheckoutKeysTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static Order OrderOf(string key, string hash) =>
        new("o-1", "u", "p-100", 1, 10m, "EUR", "r-1", OrderStatus.PendingPayment, DateTimeOffset.UnixEpoch) { IdempotencyKey = key, RequestHash = hash };

    [Fact]
    public void A_key_is_held_while_its_request_runs_then_replayed_and_another_request_under_it_is_a_conflict()
    {
        var clock = new Clock();
        var keys = new CheckoutKeys(clock);
        Assert.Equal(new CheckoutBegun("k", null), keys.Begin("k", "h1", _ => null));
        Assert.Equal(new CheckoutInProgress("k"), keys.Begin("k", "h1", _ => null));
        Assert.Equal(new CheckoutKeyConflict("k", null), keys.Begin("k", "h2", _ => null)); // running, another request

        keys.Placed(OrderOf("k", "h1"));
        keys.Answered(new CheckoutAnswered("k", "h1", "o-1", 202, "{}"));
        Assert.Equal(new CheckoutReplay("k", 202, "{}"), keys.Begin("k", "h1", _ => null));
        Assert.Equal(new CheckoutKeyConflict("k", "o-1"), keys.Begin("k", "h2", _ => null));
    }

    [Fact]
    public void A_request_that_died_holds_its_key_for_the_lease_only_and_its_order_is_resumed()
    {
        var clock = new Clock();
        var keys = new CheckoutKeys(clock);
        Assert.IsType<CheckoutBegun>(keys.Begin("k", "h1", _ => null));
        keys.Placed(OrderOf("k", "h1")); // the order was stored, then the request died before answering

        clock.Now += CheckoutKeys.Lease - TimeSpan.FromSeconds(1);
        Assert.IsType<CheckoutInProgress>(keys.Begin("k", "h1", _ => null));
        clock.Now += TimeSpan.FromSeconds(2);
        var order = OrderOf("k", "h1");
        Assert.Equal(new CheckoutBegun("k", order), keys.Begin("k", "h1", id => id == "o-1" ? order : null));

        keys.End("k"); // it ends without an answer to keep: free again at once
        Assert.IsType<CheckoutBegun>(keys.Begin("k", "h1", id => id == "o-1" ? order : null));
    }
}
