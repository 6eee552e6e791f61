using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Orchestrator.Tests.Actors;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Patterns;

/// <summary>The seed's "caching for resilience" examples: stale-while-revalidate, stale-on-error, stampede prevention.</summary>
public sealed class CachingTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private int _downstreamCalls;

    private IActorRef Products(Action<DependencyOptions>? configure = null)
    {
        var options = new DependencyOptions { Timeout = TimeSpan.FromMinutes(1) };
        options.Cache.Enabled = true;
        options.Cache.FreshFor = TimeSpan.FromSeconds(10);
        options.Cache.StaleFor = TimeSpan.FromMinutes(1);
        configure?.Invoke(options);
        return Sys.ActorOf(DependencyActor.Props("products", options, Time), "products");
    }

    private GuardedCall<string> Lookup(string id, string answer) => new("products", _ =>
    {
        Interlocked.Increment(ref _downstreamCalls);
        return Task.FromResult(answer);
    }) { Key = id, ReplyTo = TestActor };

    [Fact]
    public void A_fresh_entry_answers_without_calling_the_dependency()
    {
        var products = Products();
        products.Tell(Lookup("p1", "v1"));
        Assert.Equal(ValueFreshness.Live, ExpectResult<string>().Freshness);
        Advance(TimeSpan.FromSeconds(9));
        products.Tell(Lookup("p1", "v2"));

        var cached = ExpectResult<string>();
        Assert.Equal(CallOutcome.Succeeded, cached.Outcome);
        Assert.Equal("v1", cached.Value);
        Assert.Equal(ValueFreshness.Cached, cached.Freshness);
        Assert.Equal(TimeSpan.FromSeconds(9), cached.Age);
        Assert.Equal(1, _downstreamCalls);
    }

    [Fact]
    public void Stale_while_revalidate_serves_the_stale_entry_at_once_and_refreshes_it_once_in_the_background()
    {
        var products = Products();
        products.Tell(Lookup("p1", "v1"));
        ExpectResult<string>();
        Advance(TimeSpan.FromSeconds(11));

        var gate = new Gate();
        var refreshes = 0;
        for (var i = 0; i < 3; i++)
            products.Tell(new GuardedCall<string>("products", ct => { Interlocked.Increment(ref refreshes); return gate.Pass("v2", ct); }) { Key = "p1", ReplyTo = TestActor });

        for (var i = 0; i < 3; i++)
        {
            var stale = ExpectResult<string>();
            Assert.Equal(CallOutcome.Succeeded, stale.Outcome);
            Assert.Equal("v1", stale.Value);
            Assert.Equal(ValueFreshness.Stale, stale.Freshness);
            Assert.Equal(TimeSpan.FromSeconds(11), stale.Age);
        }
        Await(gate.StartedAtLeast(1));
        gate.Open();
        AwaitCondition(() =>
        {
            products.Tell(Lookup("p1", "never"));
            return ExpectResult<string>() is { Freshness: ValueFreshness.Cached, Value: "v2" };
        }, TimeSpan.FromSeconds(5));
        Assert.Equal(1, refreshes);
        Assert.Equal(1, _downstreamCalls);
    }

    [Fact]
    public void Stale_on_error_serves_the_stale_entry_marked_as_such_when_the_dependency_fails()
    {
        var products = Products(o => o.Cache.StaleWhileRevalidate = false);
        products.Tell(Lookup("p1", "v1"));
        ExpectResult<string>();
        Advance(TimeSpan.FromSeconds(30));

        products.Tell(new GuardedCall<string>("products", _ => throw new HttpRequestException("down")) { Key = "p1", ReplyTo = TestActor });
        var result = ExpectResult<string>();
        Assert.Equal(CallOutcome.Fallback, result.Outcome);
        Assert.Equal(FallbackSource.StaleCache, result.Source);
        Assert.Equal(ValueFreshness.Stale, result.Freshness);
        Assert.Equal(DegradationReason.Error, result.Reason);
        Assert.Equal("v1", result.Value);
        Assert.Equal("primary", Assert.Single(result.Trail).Step);
    }

    [Fact]
    public void Stale_on_error_also_covers_an_open_breaker()
    {
        var products = Products(o =>
        {
            o.Cache.StaleWhileRevalidate = false;
            o.Breaker.FailureThreshold = 1;
        });
        products.Tell(Lookup("p1", "v1"));
        ExpectResult<string>();
        Advance(TimeSpan.FromSeconds(20));
        products.Tell(new GuardedCall<string>("products", _ => throw new HttpRequestException("down")) { Key = "p2", ReplyTo = TestActor });
        ExpectResult<string>();
        Assert.Equal(BreakerState.Open, StatusOf(products).Breaker.State);

        products.Tell(Lookup("p1", "unused"));
        var result = ExpectResult<string>();
        Assert.Equal(FallbackSource.StaleCache, result.Source);
        Assert.Equal(DegradationReason.BreakerOpen, result.Reason);
        Assert.Equal("v1", result.Value);
    }

    [Fact]
    public void A_thousand_concurrent_misses_for_one_key_make_exactly_one_downstream_call_and_all_get_the_answer()
    {
        var products = Products(o => o.Bulkhead.QueueCapacity = 5);
        var gate = new Gate();
        var probe = CreateTestProbe();
        Parallel.For(0, 1000, _ => products.Tell(new GuardedCall<string>("products", ct =>
        {
            Interlocked.Increment(ref _downstreamCalls);
            return gate.Pass("the answer", ct);
        }) { Key = "hot" , ReplyTo = probe }));

        AwaitCondition(() => StatusOf(products).Cache!.Misses == 1000 || _downstreamCalls > 1, TimeSpan.FromSeconds(5));
        Await(gate.StartedAtLeast(1));
        gate.Open();
        for (var i = 0; i < 1000; i++)
        {
            var r = probe.ExpectMsg<CallResult<string>>(TimeSpan.FromSeconds(5));
            Assert.Equal(CallOutcome.Succeeded, r.Outcome);
            Assert.Equal("the answer", r.Value);
        }
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, _downstreamCalls);
    }

    [Fact]
    public void A_thousand_concurrent_misses_share_the_same_failure_too()
    {
        var products = Products();
        var gate = new Gate();
        var probe = CreateTestProbe();
        Parallel.For(0, 1000, _ => products.Tell(new GuardedCall<string>("products", async ct =>
        {
            Interlocked.Increment(ref _downstreamCalls);
            await gate.Pass(0, ct);
            throw new HttpRequestException("products down");
        }) { Key = "hot", ReplyTo = probe }));

        Await(gate.StartedAtLeast(1));
        AwaitCondition(() => StatusOf(products).Cache!.Misses == 1000, TimeSpan.FromSeconds(5));
        gate.Open();
        for (var i = 0; i < 1000; i++)
        {
            var r = probe.ExpectMsg<CallResult<string>>(TimeSpan.FromSeconds(5));
            Assert.Equal(CallOutcome.Failed, r.Outcome);
            Assert.Equal(DegradationReason.Error, r.Reason);
            Assert.Contains("products down", r.Detail);
        }
        Assert.Equal(1, _downstreamCalls);
    }

    [Fact]
    public void The_cache_is_bounded_and_evicts_the_least_recently_used_entry()
    {
        var products = Products(o => o.Cache.MaxEntries = 2);
        foreach (var id in new[] { "a", "b", "c" })
        {
            products.Tell(Lookup(id, id));
            ExpectResult<string>();
        }
        var cache = StatusOf(products).Cache!;
        Assert.Equal(2, cache.Entries);
        Assert.Equal(1, cache.Evictions);
        products.Tell(Lookup("a", "a again"));
        Assert.Equal(ValueFreshness.Live, ExpectResult<string>().Freshness); // "a" was evicted
    }
}
