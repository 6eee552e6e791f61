using Orchestrator.Actors.Client;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Hosting;

/// <summary>
/// An embedding that binds the orchestrator from configuration: when the configuration reloads, the dependencies'
/// settings whose configured values changed take effect, validated as at start; a bad reading is refused and shown in
/// the status, the running options kept. Each test waits for the dependency's answer (its status), not for a time.
/// </summary>
public sealed class ConfigurationReloadTests : IAsyncLifetime
{
    private ConfiguredHost _host = null!;

    private IGuardedCalls _calls => _host.Calls;

    public async Task InitializeAsync() =>
        _host = await ConfiguredHost.StartAsync("reload-test", new Dictionary<string, string?>
        {
            ["Orchestrator:Dependencies:payments:Timeout"] = "00:00:02",
            ["Orchestrator:Dependencies:payments:Breaker:FailureThreshold"] = "5",
            ["Orchestrator:Dependencies:payments:Bulkhead:QueueCapacity"] = "20",
            ["Orchestrator:Dependencies:payments:Breaker:IgnoredExceptions:0"] = "Configured",
            ["Orchestrator:Dependencies:inventory:Timeout"] = "00:00:03",
        }, o =>
        {
            // Set in code after binding.
            o.Dependencies["payments"].Bulkhead.QueueCapacity = 7;
            o.Dependencies["payments"].Bulkhead.MaxConcurrency = 4;
            o.Dependencies["payments"].Breaker.IgnoredExceptions.Add("FromCode");
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private void Reload(params (string Key, string? Value)[] settings) => _host.Reload(settings);

    private Task<DependencyStatus> Status(string dependency = "payments") => _host.StatusAsync(dependency);

    /// <summary>Waits for the dependency to report a change of options other than <paramref name="before"/>.</summary>
    private Task<DependencyStatus> NextChange(OptionsChangeResult? before = null, string dependency = "payments") =>
        ConfiguredHost.Until(async () =>
        {
            var status = await Status(dependency);
            return status.LastOptionsChange is { } change && !ReferenceEquals(change, before) && change != before ? status : null;
        }, $"{dependency} reported no change of options");

    [Fact]
    public async Task A_changed_timeout_and_threshold_take_effect_and_a_value_set_in_code_stays()
    {
        Reload(("Orchestrator:Dependencies:payments:Timeout", "00:00:01"), ("Orchestrator:Dependencies:payments:Breaker:FailureThreshold", "2"));
        var status = await NextChange();
        Assert.Equal(["Timeout", "Breaker:FailureThreshold"], status.LastOptionsChange!.Applied);
        Assert.Equal(TimeSpan.FromSeconds(1), status.DefaultTimeout);
        Assert.Equal(7, status.Bulkhead.QueueCapacity); // its key did not change: the code's value stays

        for (var i = 0; i < 2; i++)
        {
            var failed = await _calls.CallAsync<int>("payments", _ => throw new HttpRequestException("down"));
            Assert.Equal((CallOutcome.Failed, DegradationReason.Error), (failed.Outcome, failed.Reason)); // should this fail, the answer says why
        }
        Assert.Equal(BreakerState.Open, (await Status()).Breaker.State);
        Assert.Null((await Status("inventory")).LastOptionsChange); // nothing of it changed
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_refused_with_its_path_and_the_running_options_stay()
    {
        Reload(("Orchestrator:Dependencies:payments:Timeout", "abc"));
        var status = await NextChange();
        var refused = Assert.Single(status.LastOptionsChange!.Refused);
        Assert.StartsWith("Orchestrator:Dependencies:payments:Timeout: 'abc' is not a valid TimeSpan", refused);
        Assert.Equal(TimeSpan.FromSeconds(2), status.DefaultTimeout);

        // Fixed: taken, with the other change made meanwhile.
        var before = status.LastOptionsChange;
        Reload(("Orchestrator:Dependencies:payments:Timeout", "00:00:04"));
        status = await NextChange(before);
        Assert.Equal((true, TimeSpan.FromSeconds(4)), (status.LastOptionsChange!.Accepted, status.DefaultTimeout));
    }

    [Fact]
    public async Task An_invalid_value_is_refused_with_the_error_of_start_up()
    {
        Reload(("Orchestrator:Dependencies:payments:Breaker:FailureThreshold", "-3"));
        var status = await NextChange();
        Assert.Equal(["Orchestrator:Dependencies:payments:Breaker:FailureThreshold must be 0 (off) or more, not -3."], status.LastOptionsChange!.Refused);
        for (var i = 0; i < 4; i++) await _calls.CallAsync<int>("payments", _ => throw new HttpRequestException("down"));
        Assert.Equal(BreakerState.Closed, (await Status()).Breaker.State); // 5 in force
    }

    [Fact]
    public async Task A_removed_key_keeps_its_running_value_until_a_restart()
    {
        // A file that fails to parse on reload reads as empty: a removed key must not put the default back.
        Reload(("Orchestrator:Dependencies:payments:Timeout", null), ("Orchestrator:Dependencies:payments:Breaker:FailureThreshold", "4"));
        var status = await NextChange();
        Assert.Equal(["Breaker:FailureThreshold"], status.LastOptionsChange!.Applied);
        Assert.Equal(TimeSpan.FromSeconds(2), status.DefaultTimeout);
    }

    [Fact]
    public async Task The_typed_client_changes_options_in_code_and_names_an_unknown_dependency()
    {
        var result = await _calls.ChangeOptionsAsync("inventory", o => o.Bulkhead.MaxConcurrency = 3);
        Assert.Equal(["Bulkhead:MaxConcurrency"], result.Applied);
        Assert.Equal(3, (await Status("inventory")).Bulkhead.MaxConcurrency);

        var unknown = await _calls.ChangeOptionsAsync("nope", o => o.Timeout = TimeSpan.FromSeconds(1));
        Assert.False(unknown.Accepted);
        Assert.Contains("No dependency named 'nope' is declared.", Assert.Single(unknown.Refused));
    }

    [Fact]
    public async Task A_removed_key_added_back_with_the_default_value_takes_effect()
    {
        Reload(("Orchestrator:Dependencies:payments:Timeout", null), ("Orchestrator:Dependencies:payments:Breaker:FailureThreshold", "4"));
        var status = await NextChange();
        Assert.Equal(TimeSpan.FromSeconds(2), status.DefaultTimeout); // removed: kept

        Reload(("Orchestrator:Dependencies:payments:Timeout", "00:00:05")); // the default, but a change of what configuration says
        status = await NextChange(status.LastOptionsChange);
        Assert.Equal((["Timeout"], TimeSpan.FromSeconds(5)), (status.LastOptionsChange!.Applied.ToArray(), status.DefaultTimeout), new ArrayTuple());
    }

    [Fact]
    public async Task A_key_added_with_the_default_value_replaces_the_value_set_in_code()
    {
        Assert.Equal(4, (await Status()).Bulkhead.MaxConcurrency);
        Reload(("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency", "10"));
        var status = await NextChange();
        Assert.Equal(["Bulkhead:MaxConcurrency"], status.LastOptionsChange!.Applied);
        Assert.Equal(10, status.Bulkhead.MaxConcurrency);
    }

    [Fact]
    public async Task A_refused_change_is_sent_whole_once_the_bad_value_is_fixed()
    {
        Reload(("Orchestrator:Dependencies:payments:Timeout", "00:00:03"), ("Orchestrator:Dependencies:payments:Breaker:FailureThreshold", "-3"));
        var status = await NextChange();
        Assert.False(status.LastOptionsChange!.Accepted);
        Assert.Equal(TimeSpan.FromSeconds(2), status.DefaultTimeout);

        Reload(("Orchestrator:Dependencies:payments:Breaker:FailureThreshold", "3")); // only the bad key changes now
        status = await NextChange(status.LastOptionsChange);
        Assert.Equal(["Timeout", "Breaker:FailureThreshold"], status.LastOptionsChange!.Applied);
        Assert.Equal(TimeSpan.FromSeconds(3), status.DefaultTimeout);
    }

    [Fact]
    public async Task A_configured_list_replaces_the_items_configured_before_and_keeps_those_added_in_code()
    {
        Reload(("Orchestrator:Dependencies:payments:Breaker:IgnoredExceptions:0", "Reconfigured"));
        var status = await NextChange();
        Assert.Equal(["Breaker:IgnoredExceptions"], status.LastOptionsChange!.Applied);
        IList<string> inForce = [];
        await _calls.ChangeOptionsAsync("payments", o => inForce = o.Breaker.IgnoredExceptions); // reads the copy of the options in force
        Assert.Equal(["Reconfigured", "FromCode"], inForce);
    }

    /// <summary>Compares tuples of arrays by content.</summary>
    private sealed class ArrayTuple : IEqualityComparer<(string[], TimeSpan)>
    {
        public bool Equals((string[], TimeSpan) x, (string[], TimeSpan) y) => x.Item1.SequenceEqual(y.Item1) && x.Item2 == y.Item2;
        public int GetHashCode((string[], TimeSpan) obj) => obj.Item2.GetHashCode();
    }
}
