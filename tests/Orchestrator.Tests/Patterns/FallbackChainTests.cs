using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Orchestrator.Tests.Actors;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Patterns;

/// <summary>The seed's fallback chain (personalised, cached, popular) and read-replica examples.</summary>
public sealed class FallbackChainTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private static readonly string[] Popular = ["popular-1", "popular-2"];
    private bool _recommendationsDown;

    private IActorRef Dependencies(Action<OrchestratorOptions> configure) => SuperviseDependencies(configure).Supervisor;

    private GuardedCall<string[]> Recommendations(string userId) =>
        new GuardedCall<string[]>("recommendations", _ => _recommendationsDown
            ? throw new HttpRequestException("recommendation engine down")
            : Task.FromResult(new[] { $"for-{userId}-1", $"for-{userId}-2" }))
        {
            Key = $"recs:{userId}",
            ReplyTo = TestActor,
            Fallback = (_, _) => Task.FromResult(Popular),
        };

    [Fact]
    public void Recommendations_fall_back_from_personalised_to_cached_to_popular()
    {
        var dependencies = Dependencies(o => o.AddDependency("recommendations", d =>
        {
            d.Cache.Enabled = true;
            d.Cache.FreshFor = TimeSpan.FromSeconds(5);
            d.Cache.StaleWhileRevalidate = false;
        }));

        // Personalised.
        dependencies.Tell(Recommendations("alice"));
        var personalised = ExpectResult<string[]>();
        Assert.Equal(CallOutcome.Succeeded, personalised.Outcome);
        Assert.Equal(["for-alice-1", "for-alice-2"], personalised.Value!);

        // The engine goes down: alice gets her cached list, marked stale.
        _recommendationsDown = true;
        Advance(TimeSpan.FromSeconds(6));
        dependencies.Tell(Recommendations("alice"));
        var cached = ExpectResult<string[]>();
        Assert.Equal(CallOutcome.Fallback, cached.Outcome);
        Assert.Equal(FallbackSource.StaleCache, cached.Source);
        Assert.Equal(ValueFreshness.Stale, cached.Freshness);
        Assert.Equal(["for-alice-1", "for-alice-2"], cached.Value!);

        // Bob was never seen: popular items, and the result says why the earlier steps did not answer.
        dependencies.Tell(Recommendations("bob"));
        var popular = ExpectResult<string[]>();
        Assert.Equal(CallOutcome.Fallback, popular.Outcome);
        Assert.Equal(FallbackSource.CallFallback, popular.Source);
        Assert.Equal(Popular, popular.Value!);
        Assert.Equal(["primary", "stale-cache"], popular.Trail.Select(s => s.Step));
        Assert.Equal(DegradationReason.Error, popular.Trail[0].Reason);
        Assert.Equal(DegradationReason.Unavailable, popular.Trail[1].Reason);
    }

    private sealed record User(string Id, string Name, string Source);

    private bool _primaryDown;
    private bool _replicaDown;

    private GuardedCall<User> GetUser(string id) =>
        new GuardedCall<User>("users", _ => _primaryDown ? throw new HttpRequestException("primary db down") : Task.FromResult(new User(id, "Ada", "primary")))
        {
            Key = $"user:{id}",
            ReplyTo = TestActor,
            ReplicaWork = _ => _replicaDown ? throw new HttpRequestException("replica down") : Task.FromResult(new User(id, "Ada", "replica")),
        };

    private IActorRef UsersWithReplica() => Dependencies(o => o
        .AddDependency("users", d =>
        {
            d.Replica = "users-replica";
            d.Breaker.FailureThreshold = 3;
        })
        .AddDependency("users-replica"));

    [Fact]
    public void The_read_replica_answers_when_the_primary_fails_and_the_result_is_marked_possibly_stale()
    {
        var dependencies = UsersWithReplica();
        dependencies.Tell(GetUser("1"));
        Assert.Equal("primary", ExpectResult<User>().Value!.Source);

        _primaryDown = true;
        dependencies.Tell(GetUser("1"));
        var fromReplica = ExpectResult<User>();
        Assert.Equal(CallOutcome.Fallback, fromReplica.Outcome);
        Assert.Equal(FallbackSource.Replica, fromReplica.Source);
        Assert.Equal(ValueFreshness.PossiblyStale, fromReplica.Freshness);
        Assert.Equal("replica", fromReplica.Value!.Source);
        Assert.Equal(DegradationReason.Error, fromReplica.Reason);
        Assert.Contains("may be stale", fromReplica.Detail);
    }

    [Fact]
    public void The_replica_still_answers_when_the_primary_breaker_is_open_and_is_guarded_by_its_own_breaker()
    {
        var dependencies = UsersWithReplica();
        _primaryDown = true;
        for (var i = 0; i < 3; i++)
        {
            dependencies.Tell(GetUser("1"));
            ExpectResult<User>();
        }
        dependencies.Tell(new GetStatus("users"), TestActor);
        Assert.Equal(BreakerState.Open, ExpectMsg<DependencyStatus>().Breaker.State);

        dependencies.Tell(GetUser("1"));
        var result = ExpectResult<User>();
        Assert.Equal(FallbackSource.Replica, result.Source);
        Assert.Equal(DegradationReason.BreakerOpen, result.Reason);

        dependencies.Tell(new GetStatus("users-replica"), TestActor);
        var replica = ExpectMsg<DependencyStatus>();
        Assert.Equal(4, replica.Calls.Succeeded);
        Assert.Equal(BreakerState.Closed, replica.Breaker.State);
    }

    [Fact]
    public void With_primary_and_replica_down_the_trail_names_both_and_the_call_fallback_answers()
    {
        var dependencies = UsersWithReplica();
        _primaryDown = true;
        _replicaDown = true;
        dependencies.Tell(GetUser("1") with { Fallback = (_, _) => Task.FromResult(new User("1", "anonymous", "fallback")) });

        var result = ExpectResult<User>();
        Assert.Equal(FallbackSource.CallFallback, result.Source);
        Assert.Equal(["primary", "replica:users-replica"], result.Trail.Select(s => s.Step));
        Assert.Equal(DegradationReason.Error, result.Trail[1].Reason);

        dependencies.Tell(GetUser("2"));
        var failed = ExpectResult<User>();
        Assert.Equal(CallOutcome.Failed, failed.Outcome);
        Assert.Equal(2, failed.Trail.Count);
    }

    [Fact]
    public void A_replica_must_be_a_declared_dependency()
    {
        var error = Assert.Throws<OrchestratorOptionsException>(() =>
            new OrchestratorOptions().AddDependency("users", d => d.Replica = "users-replica").Validate());
        Assert.Contains("Orchestrator:Dependencies:users:Replica names 'users-replica', which is not a declared dependency", error.Message);
    }
}
