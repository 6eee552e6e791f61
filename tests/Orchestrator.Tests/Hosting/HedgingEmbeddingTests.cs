using Orchestrator.Contracts;

namespace Orchestrator.Tests.Hosting;

/// <summary>
/// Hedged calls in an embedding that binds the orchestrator from configuration: the Hedging section is read with the
/// strict binder, a slow call is hedged to the replica through the typed client, and a reload changes the hedging.
/// Real time, but nothing is timed: the first attempt never answers (it ends only when cancelled), so only the hedge can.
/// </summary>
public sealed class HedgingEmbeddingTests : IAsyncLifetime
{
    private ConfiguredHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await ConfiguredHost.StartAsync("hedging-test", new Dictionary<string, string?>
        {
            ["Orchestrator:Dependencies:profile:Timeout"] = "00:00:20",
            ["Orchestrator:Dependencies:profile:Replica"] = "profile-replica",
            ["Orchestrator:Dependencies:profile:Hedging:MaxHedges"] = "1",
            ["Orchestrator:Dependencies:profile:Hedging:Delay"] = "00:00:00.050",
            ["Orchestrator:Dependencies:profile:Hedging:Target"] = "Replica",
            ["Orchestrator:Dependencies:profile-replica:Timeout"] = "00:00:20",
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HedgingSnapshot?> Hedging() => (await _host.StatusAsync("profile")).Hedging;

    private static async Task<string> Never(CancellationToken token)
    {
        await Task.Delay(Timeout.Infinite, token);
        return "never";
    }

    [Fact]
    public async Task A_slow_call_through_the_typed_client_is_answered_by_its_hedge_on_the_replica()
    {
        var result = await _host.Calls.CallAsync(new GuardedCall<string>("profile", Never)
        {
            ReplicaWork = _ => Task.FromResult("from the replica"),
        }).AsTask().WaitAsync(ConfiguredHost.EventLimit);

        Assert.Equal((CallOutcome.Succeeded, "from the replica", ValueFreshness.PossiblyStale), (result.Outcome, result.Value, result.Freshness));
        Assert.Equal(new HedgeReport(1, 2, "profile-replica"), result.Hedge);
        // The loser never ends by itself: its place comes back only because it was cancelled (its work then, or
        // before it ran at all when the machine was slow to start it).
        await Until(async () => (await _host.StatusAsync("profile")).Bulkhead.InFlight == 0);
        var hedging = await Hedging();
        Assert.Equal((1, HedgeTarget.Replica, TimeSpan.FromMilliseconds(50), 1L, 1L), (hedging!.MaxHedges, hedging.Target, hedging.Delay, hedging.Started, hedging.Won));
    }

    [Fact]
    public async Task A_reload_changes_the_hedging_and_a_bad_value_is_refused_with_its_name()
    {
        _host.Reload(("Orchestrator:Dependencies:profile:Hedging:MaxHedges", "3"));
        await Until(async () => (await Hedging())?.MaxHedges == 3);

        _host.Reload(("Orchestrator:Dependencies:profile:Hedging:MaxHedges", "11"));
        var refused = await ConfiguredHost.Until(async () => (await _host.StatusAsync("profile")).LastOptionsChange is { Accepted: false } c ? c : null,
            "profile reported no refused change");
        Assert.Contains(refused.Refused, e => e.Contains("Hedging:MaxHedges must be between 0 (no hedging) and 10, not 11", StringComparison.Ordinal));
        Assert.Equal(3, (await Hedging())!.MaxHedges); // the running options kept

        _host.Reload(("Orchestrator:Dependencies:profile:Hedging:MaxHedges", "0"));
        await Until(async () => await Hedging() is null); // switched off: not shown
    }

    private static Task<object> Until(Func<Task<bool>> condition) =>
        ConfiguredHost.Until<object>(async () => await condition() ? condition : null, "The condition did not hold");
}
