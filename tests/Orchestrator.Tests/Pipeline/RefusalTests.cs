using System.Net;
using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Orchestrator.Tests.Actors;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Pipeline;

/// <summary>
/// A dependency's "no" to the caller's request (a 4xx it is not to blame for) is the caller's answer, on every way in:
/// <see cref="CallOutcome.Refused"/> with the dependency's status and message, no fallback, no retry, nothing in any
/// breaker window, nothing counted as trouble for stress. Virtual time.
/// </summary>
public sealed class RefusalTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private DependencyHandle Handle(string name, Action<DependencyOptions>? configure = null) => SupervisedHandle(name, configure);

    private static GuardedCall<string> NotFound(string name, Action? ran = null, Action? fellBack = null) =>
        new(name, _ =>
        {
            ran?.Invoke();
            throw new HttpRequestException("'inventory' answered 404: There is no product 'nope'.", null, HttpStatusCode.NotFound);
        })
        {
            Key = "nope",
            Fallback = (_, _) =>
            {
                fellBack?.Invoke();
                return Task.FromResult("popular");
            },
        };

    private static void AssertRefused(CallResult<string> result)
    {
        Assert.Equal(CallOutcome.Refused, result.Outcome);
        Assert.True(result.IsRefused);
        Assert.False(result.HasValue);
        Assert.Null(result.Value); // no fallback: the refusal is the answer
        Assert.Equal(DegradationReason.None, result.Reason);
        Assert.Equal(404, result.Refusal!.Status);
        Assert.Contains("There is no product 'nope'.", result.Refusal.Message);
        Assert.Equal(1, result.Attempts); // never retried
    }

    private void AssertNothingCountedAgainst(DependencyHandle handle, int refused)
    {
        var status = StatusOf(handle.Actor);
        Assert.Equal(BreakerState.Closed, status.Breaker.State);
        Assert.Equal((0, 0, 0), (status.Breaker.ConsecutiveFailures, status.Breaker.WindowFailures, status.Breaker.WindowCalls));
        Assert.Equal((refused, 0L, 0L, 0L), (status.Calls.Refused, status.Calls.Failed, status.Calls.Fallbacks, status.Calls.Rejected));
        Assert.Equal(0, handle.Stats.Troubled); // the stress signals read this: a refusal is no trouble
    }

    [Fact]
    public async Task On_the_callers_side_a_404_is_refused_with_its_status_and_never_counted_or_retried()
    {
        var inventory = Handle("inventory", d =>
        {
            d.Breaker.FailureThreshold = 1; // one counted failure would open it
            d.Retry.MaxAttempts = 3;
        });
        int ran = 0, fellBack = 0;
        for (var i = 0; i < 5; i++)
            AssertRefused(await inventory.CallAsync(NotFound("inventory", () => ran++, () => fellBack++)));
        Assert.Equal((5, 0), (ran, fellBack));
        AssertNothingCountedAgainst(inventory, refused: 5);
    }

    [Fact]
    public void A_told_call_is_refused_the_same_way()
    {
        var inventory = Handle("inventory", d => d.Breaker.FailureThreshold = 1);
        inventory.Tell(NotFound("inventory") with { ReplyTo = TestActor }, ActorRefs.Nobody);
        AssertRefused(ExpectResult<string>());
        AssertNothingCountedAgainst(inventory, refused: 1);
    }

    [Fact]
    public async Task Through_the_actor_with_a_stale_cached_answer_a_refusal_is_still_the_answer_not_the_cache()
    {
        var inventory = Handle("inventory", d =>
        {
            d.Breaker.FailureThreshold = 1;
            d.Cache.Enabled = true; // the call goes through the actor (single flight), and stale-on-error would answer a failure
            d.Cache.FreshFor = TimeSpan.FromSeconds(1);
            d.Cache.StaleFor = TimeSpan.FromHours(1);
            d.Cache.StaleWhileRevalidate = false; // a stale entry is not served at once: the fetch runs, and is refused
        });
        var cached = await inventory.CallAsync(new GuardedCall<string>("inventory", _ => Task.FromResult("in stock")) { Key = "nope" });
        Assert.True(cached.IsSuccess);
        Advance(TimeSpan.FromSeconds(2)); // stale now

        var fellBack = 0;
        AssertRefused(await inventory.CallAsync(NotFound("inventory", fellBack: () => fellBack++)));
        Assert.Equal(0, fellBack);
        var status = StatusOf(inventory.Actor);
        Assert.Equal((BreakerState.Closed, 0, 1L), (status.Breaker.State, status.Breaker.ConsecutiveFailures, status.Calls.Refused));
        Assert.Equal(0, inventory.Stats.Troubled);
    }

    [Fact]
    public async Task A_real_failure_beside_it_still_counts()
    {
        var inventory = Handle("inventory", d => d.Breaker.FailureThreshold = 2);
        AssertRefused(await inventory.CallAsync(NotFound("inventory")));
        var failed = await inventory.CallAsync(new GuardedCall<string>("inventory", _ => throw new HttpRequestException("boom", null, HttpStatusCode.ServiceUnavailable)));
        Assert.Equal((CallOutcome.Failed, DegradationReason.Error), (failed.Outcome, failed.Reason));
        Assert.Null(failed.Refusal);
        Assert.Equal(1, inventory.Stats.Troubled);
        Assert.Equal(1, StatusOf(inventory.Actor).Breaker.ConsecutiveFailures);
    }
}
