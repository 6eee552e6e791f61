using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Hosting;

/// <summary>
/// Hedged calls in an embedding that binds the orchestrator from configuration: the Hedging section is read with the
/// strict binder, a slow call is hedged to the replica through the typed client, and a reload changes the hedging.
/// Real time, but nothing is timed: the first attempt never answers (it ends only when cancelled), so only the hedge can.
/// </summary>
public sealed class HedgingEmbeddingTests : IAsyncLifetime
{
    private static readonly TimeSpan EventLimit = TimeSpan.FromSeconds(30);
    private IHost _host = null!;
    private ConfigurationManager _configuration = null!;
    private IGuardedCalls _calls = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:Dependencies:profile:Timeout"] = "00:00:20",
            ["Orchestrator:Dependencies:profile:Replica"] = "profile-replica",
            ["Orchestrator:Dependencies:profile:Hedging:MaxHedges"] = "1",
            ["Orchestrator:Dependencies:profile:Hedging:Delay"] = "00:00:00.050",
            ["Orchestrator:Dependencies:profile:Hedging:Target"] = "Replica",
            ["Orchestrator:Dependencies:profile-replica:Timeout"] = "00:00:20",
        });
        _configuration = builder.Configuration;
        builder.Services.AddAkka("hedging-test", (akka, _) => akka.WithOrchestrator(builder.Configuration.GetSection(OrchestratorOptions.SectionName)));
        builder.Services.AddGuardedCalls();
        _host = builder.Build();
        await _host.StartAsync();
        _calls = _host.Services.GetRequiredService<IGuardedCalls>();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private async Task<HedgingSnapshot?> Hedging() => (await _calls.StatusAsync()).Dependencies.Single(d => d.Name == "profile").Hedging;

    private static async Task<string> Never(CancellationToken token)
    {
        await Task.Delay(Timeout.Infinite, token);
        return "never";
    }

    [Fact]
    public async Task A_slow_call_through_the_typed_client_is_answered_by_its_hedge_on_the_replica()
    {
        var result = await _calls.CallAsync(new GuardedCall<string>("profile", Never)
        {
            ReplicaWork = _ => Task.FromResult("from the replica"),
        }).AsTask().WaitAsync(EventLimit);

        Assert.Equal((CallOutcome.Succeeded, "from the replica", ValueFreshness.PossiblyStale), (result.Outcome, result.Value, result.Freshness));
        Assert.Equal(new HedgeReport(1, 2, "profile-replica"), result.Hedge);
        // The loser never ends by itself: its place comes back only because it was cancelled (its work then, or
        // before it ran at all when the machine was slow to start it).
        await Until(async () => (await _calls.StatusAsync()).Dependencies.Single(d => d.Name == "profile").Bulkhead.InFlight == 0);
        var hedging = await Hedging();
        Assert.Equal((1, HedgeTarget.Replica, TimeSpan.FromMilliseconds(50), 1L, 1L), (hedging!.MaxHedges, hedging.Target, hedging.Delay, hedging.Started, hedging.Won));
    }

    [Fact]
    public async Task A_reload_changes_the_hedging_and_a_bad_value_is_refused_with_its_name()
    {
        _configuration["Orchestrator:Dependencies:profile:Hedging:MaxHedges"] = "3";
        ((IConfigurationRoot)_configuration).Reload();
        await Until(async () => (await Hedging())?.MaxHedges == 3);

        _configuration["Orchestrator:Dependencies:profile:Hedging:MaxHedges"] = "11";
        ((IConfigurationRoot)_configuration).Reload();
        var refused = await Until(async () => (await _calls.StatusAsync()).Dependencies.Single(d => d.Name == "profile").LastOptionsChange is { Accepted: false } c ? c : null);
        Assert.Contains(refused.Refused, e => e.Contains("Hedging:MaxHedges must be between 0 (no hedging) and 10, not 11", StringComparison.Ordinal));
        Assert.Equal(3, (await Hedging())!.MaxHedges); // the running options kept

        _configuration["Orchestrator:Dependencies:profile:Hedging:MaxHedges"] = "0";
        ((IConfigurationRoot)_configuration).Reload();
        await Until(async () => await Hedging() is null); // switched off: not shown
    }

    private static async Task<T> Until<T>(Func<Task<T?>> read) where T : class
    {
        var limit = DateTime.UtcNow + EventLimit;
        while (true)
        {
            if (await read() is { } value) return value;
            if (DateTime.UtcNow > limit) throw new TimeoutException($"The condition did not hold within {EventLimit.TotalSeconds:0} s.");
            await Task.Delay(20);
        }
    }

    private static async Task Until(Func<Task<bool>> condition) => await Until<object>(async () => await condition() ? new object() : null);
}
