using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.RateLimit;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

/// <summary>The rate limit itself, on a clock moved by hand: permits per period, bursts, the window, catch-up after a quiet spell.</summary>
public sealed class RateLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    private DependencyRateLimiter Limiter(Action<RateLimitOptions> configure)
    {
        var options = new RateLimitOptions { PermitsPerPeriod = 5 };
        configure(options);
        return new DependencyRateLimiter("quotes", options, _time);
    }

    private static int Take(DependencyRateLimiter limiter, int tries)
    {
        var granted = 0;
        for (var i = 0; i < tries; i++)
            if (limiter.TryAcquire(out _)) granted++;
        return granted;
    }

    [Fact]
    public void A_token_bucket_gives_its_permits_then_refuses_until_the_period_ends()
    {
        using var limiter = Limiter(_ => { });
        Assert.Equal(5, Take(limiter, 8));
        Assert.Equal(0, limiter.Available);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, Take(limiter, 1));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(5, Take(limiter, 8));
        Assert.Equal(10, limiter.Granted);
        Assert.Equal(7, limiter.Refused);
    }

    [Fact]
    public void A_quiet_token_bucket_saves_up_to_its_burst_and_no_more()
    {
        using var limiter = Limiter(o => o.Burst = 12);
        Assert.Equal(12, Take(limiter, 20)); // it starts full
        _time.Advance(TimeSpan.FromMinutes(10)); // many periods: only enough to refill it count
        Assert.Equal(12, limiter.Available);
        Assert.Equal(12, Take(limiter, 20));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(10, Take(limiter, 20)); // two periods: 2 x 5
    }

    [Fact]
    public void A_sliding_window_never_allows_more_than_its_permits_in_any_period()
    {
        using var limiter = Limiter(o => { o.Algorithm = RateLimitAlgorithm.SlidingWindow; o.Segments = 4; });
        Assert.Equal(5, Take(limiter, 6));
        // Permits taken in the first segment come back only once the window has moved past it: one whole period later.
        _time.Advance(TimeSpan.FromMilliseconds(750));
        Assert.Equal(0, Take(limiter, 1));
        _time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(5, Take(limiter, 6));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, limiter.Available);
    }

    [Fact]
    public void The_first_refusal_after_a_quiet_spell_is_reported_once_until_cleared()
    {
        using var limiter = Limiter(o => o.PermitsPerPeriod = 1);
        Assert.True(limiter.TryAcquire(out var started));
        Assert.False(started);
        Assert.False(limiter.TryAcquire(out started));
        Assert.True(started);
        Assert.False(limiter.TryAcquire(out started));
        Assert.False(started);
        Assert.True(limiter.Limiting);
        limiter.ClearLimiting();
        Assert.False(limiter.TryAcquire(out started));
        Assert.True(started);
    }

    [Fact]
    public void Until_next_permits_counts_to_the_next_period_on_the_clock()
    {
        using var limiter = Limiter(o => o.Period = TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.UntilNextPermits());
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(TimeSpan.FromMilliseconds(500), limiter.UntilNextPermits());
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.UntilNextPermits());
    }

    [Fact]
    public async Task Racing_takers_never_get_more_permits_than_the_limit_allows()
    {
        using var limiter = Limiter(o => o.PermitsPerPeriod = 1000);
        var granted = 0;
        var tasks = Enumerable.Range(0, 8).Select(taker => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
                if (limiter.TryAcquire(out _)) Interlocked.Increment(ref granted);
        }));
        _time.Advance(TimeSpan.FromSeconds(1)); // one period passes while they take: at most two periods' permits
        await Task.WhenAll(tasks);
        Assert.InRange(granted, 1000, 2000);
        Assert.Equal(granted, limiter.Granted);
        Assert.Equal(8000 - granted, limiter.Refused);
    }
}
