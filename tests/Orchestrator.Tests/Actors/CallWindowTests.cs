using Microsoft.Extensions.Time.Testing;
using Orchestrator.Clustering.Dashboard;

namespace Orchestrator.Tests.Actors;

/// <summary>The dashboard's sliding window: calls per second, failure rate and p99 over the last 10 s.</summary>
public sealed class CallWindowTests
{
    [Fact]
    public void Rates_count_the_last_ten_seconds_and_forget_older_calls()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1000));
        var window = new CallWindow(time);
        Assert.Equal(CallRates.None, window.Rates("inventory"));

        // 10 s: 20 calls a second, the first of every 10 a failure, durations 1..100 ms.
        for (var s = 0; s < 10; s++)
        {
            for (var i = 0; i < 20; i++) window.Record("inventory", succeeded: i % 10 != 0, seconds: (s * 20 + i) % 100 / 1000.0 + 0.001);
            if (s < 9) time.Advance(TimeSpan.FromSeconds(1));
        }
        var rates = window.Rates("inventory");
        Assert.Equal(20, rates.CallsPerSecond);
        Assert.Equal(0.1, rates.FailureRate);
        Assert.Equal(99, rates.P99Ms);
        Assert.Equal(CallRates.None, window.Rates("payments")); // another dependency's calls are its own

        time.Advance(TimeSpan.FromSeconds(5)); // the oldest 5 s leave the window
        Assert.Equal(10, window.Rates("inventory").CallsPerSecond);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CallRates.None, window.Rates("inventory"));
    }

    [Fact]
    public void P99_reflects_a_slow_tail_and_failures_count_every_unsuccessful_call()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1000));
        var window = new CallWindow(time);
        for (var i = 0; i < 98; i++) window.Record("reviews", true, 0.010);
        window.Record("reviews", false, 2.0);
        window.Record("reviews", false, 3.0);
        var rates = window.Rates("reviews");
        Assert.Equal(10, rates.CallsPerSecond); // 100 calls over the 10 s window
        Assert.Equal(0.02, rates.FailureRate);
        Assert.Equal(2000, rates.P99Ms);
    }

    [Fact]
    public async Task Recording_from_many_threads_loses_no_call()
    {
        var window = new CallWindow(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1000)));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++) window.Record("profile", i % 4 != 0, 0.005);
        })));
        var rates = window.Rates("profile");
        Assert.Equal(800, rates.CallsPerSecond);
        Assert.Equal(0.25, rates.FailureRate);
    }
}
