using Akka.Actor;
using Orchestrator.Actors.Caching;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The cache stage of the actor's side of the pipeline: a fresh answer answers at once; a stale one too, while one
/// background fetch refreshes it (stale-while-revalidate); a miss for a key already being fetched waits on that
/// fetch (single flight); any other miss leads the fetch for its key. Used on the actor's thread only.
/// </summary>
internal sealed class CacheStage(DependencyHandle handle, DependencyState state, ITimerScheduler timers, CallReplies replies, Action<PendingCall> refresh)
{
    /// <summary>The cache's word on a call: a fresh answer, a stale one while it is refreshed, the fetch in flight for its key, or a miss it leads.</summary>
    public CacheCheck Check(PendingCall pending)
    {
        if (handle.Cache is not { } cache || pending.CacheKey is not { } key) return CacheCheck.Miss;
        var lookup = cache.Get(key);
        if (lookup.Hit == CacheHit.Fresh)
        {
            cache.CountHit();
            replies.Reply(pending, Cached(lookup, ValueFreshness.Cached, null));
            return CacheCheck.Handled;
        }
        if (lookup.Hit == CacheHit.Stale && handle.Options.Cache.StaleWhileRevalidate)
        {
            cache.CountStaleServed();
            replies.Reply(pending, Cached(lookup, ValueFreshness.Stale, $"Served from the cache of '{handle.Name}', {lookup.Age.TotalSeconds:0.#} s old, while it is refreshed."));
            Revalidate(pending, key);
            return CacheCheck.Handled;
        }
        cache.CountMiss();
        if (state.Flights.TryGetValue(key, out var leader))
        {
            // Single flight: the fetch in flight for this key answers this call too.
            pending.Phase = CallPhase.Following;
            (leader.Followers ??= []).Add(pending);
            if (pending.Deadline is { } own)
                timers.StartSingleTimer(new FollowerTimerKey(pending.Id), new FollowerDeadline(pending), CallDesk.NotNegative(own - handle.Time.GetUtcNow()));
            return CacheCheck.Handled;
        }
        state.Flights[key] = pending;
        return CacheCheck.Miss;
    }

    private static CallReport Cached(CacheLookup lookup, ValueFreshness freshness, string? detail) =>
        new(CallOutcome.Succeeded, lookup.Value, DegradationReason.None, null, null, detail, TimeSpan.Zero, 0) { Freshness = freshness, Age = lookup.Age };

    /// <summary>Refreshes a stale key once: no other fetch for it may be in flight, and the breaker and bulkhead must let it through.</summary>
    private void Revalidate(PendingCall trigger, string key)
    {
        if (state.Flights.ContainsKey(key) || !state.Breaker.IsCallPermitted) return;
        var fetch = new PendingCall(state.NextId++, trigger.Call with { Deadline = null, ReplyTo = null }, ActorRefs.Nobody, handle.Time.GetTimestamp(), handle.Options)
        {
            CacheKey = key,
            IsRefresh = true,
        };
        state.Flights[key] = fetch;
        refresh(fetch);
    }

    public void OnFollowerDeadline(FollowerDeadline m)
    {
        var follower = m.Follower;
        if (follower.Phase != CallPhase.Following || follower.CacheKey is not { } key || !state.Flights.TryGetValue(key, out var leader)) return;
        if (leader.Followers?.Remove(follower) != true) return;
        replies.Reply(follower, new CallReport(CallOutcome.Rejected, null, DegradationReason.DeadlineExceeded, null, null,
            $"The deadline of the call to '{handle.Name}' passed while it waited on the fetch of the same key.", TimeSpan.Zero, 0));
    }
}
