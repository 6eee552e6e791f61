using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Caching;

namespace Orchestrator.Tests.Policies;

public sealed class ResponseCacheTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StaleFor = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private readonly FakeTimeProvider _time = new(Start);

    private ResponseCache Create(int maxEntries = 100, TimeSpan? freshFor = null, TimeSpan? staleFor = null) =>
        new(maxEntries, freshFor ?? FreshFor, staleFor ?? StaleFor, _time);

    private static void AssertHit(ResponseCache cache, string key, CacheHit hit, object? value, TimeSpan age)
    {
        var lookup = cache.Get(key);
        Assert.Equal(hit, lookup.Hit);
        Assert.Equal(value, lookup.Value);
        Assert.Equal(age, lookup.Age);
    }

    private static void AssertMiss(ResponseCache cache, string key) => Assert.Equal(CacheLookup.Missed, cache.Get(key));

    // ----- misses -----

    [Fact]
    public void A_new_cache_is_empty_and_misses()
    {
        var cache = Create();
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Evictions);

        var lookup = cache.Get("nothing");

        Assert.Equal(CacheHit.Miss, lookup.Hit);
        Assert.Null(lookup.Value);
        Assert.Equal(TimeSpan.Zero, lookup.Age);
        Assert.Equal(CacheLookup.Missed, lookup);
    }

    [Fact]
    public void Keys_are_compared_ordinally()
    {
        var cache = Create();
        cache.Set("user:1", "ada");

        AssertMiss(cache, "USER:1");
        AssertMiss(cache, "user:1 ");
        AssertHit(cache, "user:1", CacheHit.Fresh, "ada", TimeSpan.Zero);
    }

    // ----- fresh, stale, gone -----

    [Fact]
    public void A_stored_answer_is_fresh_at_once_with_age_zero()
    {
        var cache = Create();
        cache.Set("k", 42);

        AssertHit(cache, "k", CacheHit.Fresh, 42, TimeSpan.Zero);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void A_null_answer_is_cached_too()
    {
        var cache = Create();
        cache.Set("k", null);

        AssertHit(cache, "k", CacheHit.Fresh, null, TimeSpan.Zero);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void An_answer_is_fresh_until_just_before_the_fresh_time()
    {
        var cache = Create();
        cache.Set("k", "v");

        _time.Advance(TimeSpan.FromSeconds(3));
        AssertHit(cache, "k", CacheHit.Fresh, "v", TimeSpan.FromSeconds(3));

        _time.Advance(FreshFor - TimeSpan.FromSeconds(3) - Tick);
        AssertHit(cache, "k", CacheHit.Fresh, "v", FreshFor - Tick);
    }

    [Fact]
    public void An_answer_is_stale_from_the_fresh_time_on()
    {
        var cache = Create();
        cache.Set("k", "v");

        _time.Advance(FreshFor);
        AssertHit(cache, "k", CacheHit.Stale, "v", FreshFor);

        _time.Advance(TimeSpan.FromSeconds(30));
        AssertHit(cache, "k", CacheHit.Stale, "v", FreshFor + TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void An_answer_is_stale_until_just_before_the_fresh_plus_stale_time()
    {
        var cache = Create();
        cache.Set("k", "v");

        _time.Advance(FreshFor + StaleFor - Tick);

        AssertHit(cache, "k", CacheHit.Stale, "v", FreshFor + StaleFor - Tick);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void An_answer_is_gone_at_the_fresh_plus_stale_time_and_is_removed()
    {
        var cache = Create();
        cache.Set("k", "v");
        cache.Set("other", "w");

        _time.Advance(FreshFor + StaleFor);
        Assert.Equal(2, cache.Count); // expired entries go when next looked up

        AssertMiss(cache, "k");
        Assert.Equal(1, cache.Count);
        Assert.Equal(0, cache.Evictions);

        AssertMiss(cache, "k");
        Assert.False(cache.Invalidate("k"));

        AssertMiss(cache, "other");
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void An_answer_is_gone_long_after_too()
    {
        var cache = Create();
        cache.Set("k", "v");

        _time.Advance(TimeSpan.FromDays(30));

        AssertMiss(cache, "k");
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Each_answer_ages_from_when_it_was_stored()
    {
        var cache = Create();
        cache.Set("old", 1);
        _time.Advance(TimeSpan.FromSeconds(8));
        cache.Set("new", 2);
        _time.Advance(TimeSpan.FromSeconds(4));

        AssertHit(cache, "old", CacheHit.Stale, 1, TimeSpan.FromSeconds(12));
        AssertHit(cache, "new", CacheHit.Fresh, 2, TimeSpan.FromSeconds(4));

        _time.Advance(TimeSpan.FromSeconds(58)); // old: 70 s, new: 62 s
        AssertMiss(cache, "old");
        AssertHit(cache, "new", CacheHit.Stale, 2, TimeSpan.FromSeconds(62));
    }

    [Fact]
    public void A_lookup_does_not_reset_the_age()
    {
        var cache = Create();
        cache.Set("k", "v");

        for (var s = 1; s <= 9; s++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            AssertHit(cache, "k", CacheHit.Fresh, "v", TimeSpan.FromSeconds(s));
        }
        _time.Advance(TimeSpan.FromSeconds(1));
        AssertHit(cache, "k", CacheHit.Stale, "v", FreshFor);
    }

    [Fact]
    public void With_a_fresh_time_of_zero_every_hit_is_stale()
    {
        var cache = Create(freshFor: TimeSpan.Zero);
        cache.Set("k", "v");

        AssertHit(cache, "k", CacheHit.Stale, "v", TimeSpan.Zero);

        _time.Advance(StaleFor - Tick);
        AssertHit(cache, "k", CacheHit.Stale, "v", StaleFor - Tick);

        _time.Advance(Tick);
        AssertMiss(cache, "k");
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void With_a_stale_time_of_zero_an_answer_is_gone_once_no_longer_fresh()
    {
        var cache = Create(staleFor: TimeSpan.Zero);
        cache.Set("k", "v");

        _time.Advance(FreshFor - Tick);
        AssertHit(cache, "k", CacheHit.Fresh, "v", FreshFor - Tick);

        _time.Advance(Tick);
        AssertMiss(cache, "k");
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void With_both_times_zero_nothing_is_ever_served()
    {
        var cache = Create(freshFor: TimeSpan.Zero, staleFor: TimeSpan.Zero);
        cache.Set("k", "v");

        AssertMiss(cache, "k");
        Assert.Equal(0, cache.Count);
    }

    // ----- Set -----

    [Fact]
    public void Set_replaces_the_value_and_restarts_its_age()
    {
        var cache = Create();
        cache.Set("k", "first");
        _time.Advance(TimeSpan.FromSeconds(8));

        cache.Set("k", "second");
        Assert.Equal(1, cache.Count);
        AssertHit(cache, "k", CacheHit.Fresh, "second", TimeSpan.Zero);

        _time.Advance(TimeSpan.FromSeconds(5)); // 13 s after the first Set, 5 s after the second
        AssertHit(cache, "k", CacheHit.Fresh, "second", TimeSpan.FromSeconds(5));
        Assert.Equal(0, cache.Evictions);
    }

    [Fact]
    public void Set_brings_back_an_expired_key()
    {
        var cache = Create();
        cache.Set("k", "old");
        _time.Advance(TimeSpan.FromHours(1));

        cache.Set("k", "new");

        Assert.Equal(1, cache.Count);
        AssertHit(cache, "k", CacheHit.Fresh, "new", TimeSpan.Zero);
    }

    // ----- LRU -----

    [Fact]
    public void When_full_the_least_recently_stored_entry_is_evicted_first()
    {
        var cache = Create(maxEntries: 3);
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.Set("c", 3);
        Assert.Equal(3, cache.Count);
        Assert.Equal(0, cache.Evictions);

        cache.Set("d", 4);
        Assert.Equal(3, cache.Count);
        Assert.Equal(1, cache.Evictions);
        AssertMiss(cache, "a");

        cache.Set("e", 5);
        Assert.Equal(2, cache.Evictions);
        AssertMiss(cache, "b");

        AssertHit(cache, "c", CacheHit.Fresh, 3, TimeSpan.Zero);
        AssertHit(cache, "d", CacheHit.Fresh, 4, TimeSpan.Zero);
        AssertHit(cache, "e", CacheHit.Fresh, 5, TimeSpan.Zero);
    }

    [Fact]
    public void A_get_makes_an_entry_the_most_recently_used()
    {
        var cache = Create(maxEntries: 3);
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.Set("c", 3);

        Assert.Equal(CacheHit.Fresh, cache.Get("a").Hit); // order now, oldest first: b, c, a

        cache.Set("d", 4);
        AssertMiss(cache, "b");

        cache.Set("e", 5);
        AssertMiss(cache, "c");

        AssertHit(cache, "a", CacheHit.Fresh, 1, TimeSpan.Zero);
        Assert.Equal(2, cache.Evictions);
    }

    [Fact]
    public void A_stale_hit_makes_an_entry_the_most_recently_used_too()
    {
        var cache = Create(maxEntries: 2);
        cache.Set("a", 1);
        cache.Set("b", 2);
        _time.Advance(FreshFor);

        Assert.Equal(CacheHit.Stale, cache.Get("a").Hit);
        cache.Set("c", 3);

        AssertMiss(cache, "b");
        Assert.Equal(CacheHit.Stale, cache.Get("a").Hit);
    }

    [Fact]
    public void A_miss_changes_nothing()
    {
        var cache = Create(maxEntries: 2);
        cache.Set("a", 1);
        cache.Set("b", 2);

        AssertMiss(cache, "x");
        cache.Set("c", 3);

        AssertMiss(cache, "a");
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Replacing_an_entry_makes_it_the_most_recently_used_and_evicts_nothing()
    {
        var cache = Create(maxEntries: 3);
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.Set("c", 3);

        cache.Set("a", 10);
        Assert.Equal(3, cache.Count);
        Assert.Equal(0, cache.Evictions);

        cache.Set("d", 4);
        AssertMiss(cache, "b");
        AssertHit(cache, "a", CacheHit.Fresh, 10, TimeSpan.Zero);
        Assert.Equal(1, cache.Evictions);
    }

    [Fact]
    public void Evictions_count_every_entry_dropped_for_room()
    {
        var cache = Create(maxEntries: 2);
        for (var i = 0; i < 10; i++) cache.Set($"k{i}", i);

        Assert.Equal(2, cache.Count);
        Assert.Equal(8, cache.Evictions);
        AssertHit(cache, "k8", CacheHit.Fresh, 8, TimeSpan.Zero);
        AssertHit(cache, "k9", CacheHit.Fresh, 9, TimeSpan.Zero);
        for (var i = 0; i < 8; i++) AssertMiss(cache, $"k{i}");
    }

    [Fact]
    public void A_cache_of_one_keeps_only_the_latest()
    {
        var cache = Create(maxEntries: 1);
        cache.Set("a", 1);
        cache.Set("a", 2);
        Assert.Equal(0, cache.Evictions);

        cache.Set("b", 3);

        Assert.Equal(1, cache.Count);
        Assert.Equal(1, cache.Evictions);
        AssertMiss(cache, "a");
        AssertHit(cache, "b", CacheHit.Fresh, 3, TimeSpan.Zero);
    }

    [Fact]
    public void Expiry_and_invalidation_are_not_evictions()
    {
        var cache = Create(maxEntries: 2);
        cache.Set("a", 1);
        cache.Set("b", 2);
        Assert.True(cache.Invalidate("a"));
        _time.Advance(FreshFor + StaleFor);
        AssertMiss(cache, "b");

        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Evictions);
    }

    // ----- Invalidate -----

    [Fact]
    public void Invalidate_forgets_a_key()
    {
        var cache = Create();
        cache.Set("a", 1);
        cache.Set("b", 2);

        Assert.True(cache.Invalidate("a"));

        Assert.Equal(1, cache.Count);
        AssertMiss(cache, "a");
        AssertHit(cache, "b", CacheHit.Fresh, 2, TimeSpan.Zero);
        Assert.False(cache.Invalidate("a"));
    }

    [Fact]
    public void Invalidating_an_unknown_key_is_false_and_changes_nothing()
    {
        var cache = Create();
        cache.Set("a", 1);

        Assert.False(cache.Invalidate("nope"));

        Assert.Equal(1, cache.Count);
        AssertHit(cache, "a", CacheHit.Fresh, 1, TimeSpan.Zero);
    }

    [Fact]
    public void An_invalidated_entry_frees_its_room()
    {
        var cache = Create(maxEntries: 2);
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.Invalidate("a");

        cache.Set("c", 3);

        Assert.Equal(0, cache.Evictions);
        AssertHit(cache, "b", CacheHit.Fresh, 2, TimeSpan.Zero);
        AssertHit(cache, "c", CacheHit.Fresh, 3, TimeSpan.Zero);
    }

    [Fact]
    public void An_invalidated_key_can_be_stored_again()
    {
        var cache = Create();
        cache.Set("a", 1);
        cache.Invalidate("a");
        _time.Advance(TimeSpan.FromSeconds(2));

        cache.Set("a", 2);

        AssertHit(cache, "a", CacheHit.Fresh, 2, TimeSpan.Zero);
    }

    // ----- arguments -----

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_size_below_one_is_refused(int maxEntries)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ResponseCache(maxEntries, FreshFor, StaleFor, _time));
        Assert.Equal("maxEntries", e.ParamName);
    }

    [Fact]
    public void A_negative_fresh_time_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ResponseCache(10, -Tick, StaleFor, _time));
        Assert.Equal("freshFor", e.ParamName);
    }

    [Fact]
    public void A_negative_stale_time_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ResponseCache(10, FreshFor, TimeSpan.FromSeconds(-1), _time));
        Assert.Equal("staleFor", e.ParamName);
    }

    [Fact]
    public void A_missing_clock_is_refused()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new ResponseCache(10, FreshFor, StaleFor, null!));
        Assert.Equal("time", e.ParamName);
    }

    [Fact]
    public void A_null_key_is_refused()
    {
        var cache = Create();
        Assert.Throws<ArgumentNullException>(() => cache.Set(null!, 1));
        Assert.Throws<ArgumentNullException>(() => cache.Get(null!));
        Assert.Throws<ArgumentNullException>(() => cache.Invalidate(null!));
    }

    // ----- very long times -----

    [Fact]
    public void A_fresh_time_of_max_value_keeps_answers_fresh_forever()
    {
        var cache = Create(freshFor: TimeSpan.MaxValue, staleFor: TimeSpan.FromMinutes(10));
        cache.Set("k", "v");
        _time.Advance(TimeSpan.FromDays(3650));

        AssertHit(cache, "k", CacheHit.Fresh, "v", TimeSpan.FromDays(3650));
    }
}
