using Akka.Actor;
using Akka.Cluster;

namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// Whether this node may serve as far as the cluster is concerned: it is an <c>Up</c> member, and it sees a majority
/// of the members reachable (on a tie, the side holding the member with the lowest address, as the split brain
/// resolver's keep-majority decides). A node that is joining, leaving, downed or removed, or that is on the minority
/// side of a partition, does not serve: the split brain resolver will down one side, and a node cut off from the
/// majority must not go on taking orders meanwhile. Reads the cluster's current view; cheap enough for every request.
/// <para>
/// A process that was frozen (a long GC pause, a stopped container or VM) still holds the view it had before: for a
/// moment after it resumes, it believes the cluster is as it was, though the others may have downed it meanwhile. A
/// thread of its own (never the thread pool, whose starvation under load would look like a freeze) ticks every
/// <see cref="TickInterval"/> and notices such a freeze (a gap of <see cref="FreezeThreshold"/> or more, beyond which
/// the others' failure detectors find this node unreachable), and the node does not serve until
/// <see cref="SettleAfterFreeze"/> later, when its own failure detector and gossip have caught up. A freeze longer
/// than the others need to down this node (their failure detection, <see cref="FreezeThreshold"/>, plus the split
/// brain resolver's <c>Cluster:StableAfter</c>) means they have downed it: its own view is stale, and its own split
/// brain resolver, acting on it, could keep this node as a cluster of its own. So the node downs itself at once: it
/// stops serving and exits with <see cref="NodeExit.RemovedByCluster"/>, and a restart policy brings it back as a
/// new member. (Not in a cluster of one: nobody else could have downed it.)
/// </para>
/// </summary>
public sealed class ClusterReadiness : IDisposable
{
    /// <summary>How often the freeze detector ticks.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A gap between ticks this long means the process was frozen: 3 s, Akka's acceptable heartbeat pause.</summary>
    public static readonly TimeSpan FreezeThreshold = TimeSpan.FromSeconds(3);

    /// <summary>How long after a freeze the node waits for its view of the cluster to catch up.</summary>
    public static readonly TimeSpan SettleAfterFreeze = TimeSpan.FromSeconds(3);

    private readonly ActorSystem _system;
    private readonly Cluster _cluster;
    private readonly TimeProvider _time;
    private readonly Thread _ticker;
    private readonly CancellationTokenSource _stop = new();
    private long _freezes;
    private readonly TimeSpan _downedAfter;
    private readonly ILogger<ClusterReadiness> _log;
    private int _downedSelf;
    private volatile string? _verdict;
    private long _lastTick;
    private long _suspectUntil;
    private long _lastFreezeTicks;
    private bool _servedOnce;

    /// <summary>Creates the readiness view of <paramref name="system"/>, with its freeze detector.</summary>
    public ClusterReadiness(ActorSystem system, TimeProvider time, Configuration.ClusterSettings settings, ILogger<ClusterReadiness> log)
    {
        _system = system;
        _downedAfter = FreezeThreshold + settings.StableAfter;
        _log = log;
        _cluster = Cluster.Get(system);
        _time = time;
        _lastTick = time.GetTimestamp();
        _verdict = ClusterVerdict();
        _ticker = new Thread(TickLoop) { IsBackground = true, Name = "freeze-detector", Priority = ThreadPriority.AboveNormal };
        _ticker.Start();
    }

    /// <summary>Freezes noticed since start (gaps of <see cref="FreezeThreshold"/> or more between two ticks).</summary>
    public long Freezes => Interlocked.Read(ref _freezes);

    /// <summary>The ticker's own thread: a tick every <see cref="TickInterval"/>, whatever the thread pool is doing.</summary>
    private void TickLoop()
    {
        while (!_stop.Token.WaitHandle.WaitOne(TickInterval)) Tick();
    }

    /// <summary>
    /// Null when the node may serve; else why not, in a sentence. Read on every request: the verdict the last tick
    /// made, unless the ticks have stopped for <see cref="FreezeThreshold"/> (the process was frozen and has just
    /// resumed: the next tick has not run yet).
    /// </summary>
    /// <remarks>
    /// Read in this order (the tick, then the settling period), against the ticker's writes in the other order: a
    /// request that sees the tick after a freeze also sees the settling period it started, never the verdict of before.
    /// </remarks>
    public string? WhyNotServing()
    {
        var now = _time.GetTimestamp();
        var gap = _time.GetElapsedTime(Volatile.Read(ref _lastTick), now);
        if (gap >= FreezeThreshold) return Frozen(gap);
        if (Volatile.Read(ref _suspectUntil) > now) return Frozen(TimeSpan.FromTicks(Volatile.Read(ref _lastFreezeTicks)));
        return _verdict;
    }

    /// <summary>Why the cluster says this node should not serve now, from its current view; null when it may.</summary>
    private string? ClusterVerdict()
    {
        if (_system.WhenTerminated.IsCompleted || CoordinatedShutdown.Get(_system).ShutdownReason is not null)
            return "the actor system is shutting down";
        var self = _cluster.SelfMember;
        var state = _cluster.State;
        if (!state.Members.Any(m => m.UniqueAddress == self.UniqueAddress))
            return "this node has not joined the cluster (yet)";
        if (self.Status != MemberStatus.Up)
            return $"this node is {self.Status} in the cluster, not Up";

        var members = state.Members.Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving).ToList();
        if (members.Count == 0) return null;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var reachable = members.Where(m => !unreachable.Contains(m.UniqueAddress)).ToList();
        if (reachable.Count * 2 > members.Count) return null;
        if (reachable.Count * 2 == members.Count)
        {
            var lowest = members.Select(m => m.Address).Min(Member.AddressOrdering)!;
            if (reachable.Any(m => m.Address == lowest)) return null;
        }
        return $"this node sees only {reachable.Count} of the cluster's {members.Count} members reachable, not a majority";
    }

    /// <summary>Every tick: notices a freeze, makes the verdict requests read, and logs (and counts) each change of it.</summary>
    private void Tick()
    {
        try
        {
            TickCore();
        }
        catch (Exception e)
        {
            // A timer callback that throws would end the process: log it, and tick again next time.
            _log.LogError(e, "The readiness check failed");
        }
    }

    private void TickCore()
    {
        var why = NoticeFreeze() ?? ClusterVerdict();
        var before = _verdict;
        if (why == before) return;
        _verdict = why;
        if (why is null)
        {
            _servedOnce = true;
            _log.LogInformation("This node serves: an Up member with a majority of the cluster reachable");
            NodeMetrics.ServingChanged(true);
        }
        else if (!_servedOnce)
        {
            // Starting: not joined, then Joining, as usual; the first "serves" is the news.
        }
        else if (before is null)
        {
            _log.LogWarning("This node does not serve now: {Reason}", why);
            NodeMetrics.ServingChanged(false);
        }
        else
        {
            _log.LogWarning("This node still does not serve: {Reason}", why);
        }
    }

    /// <summary>Records a tick; a gap since the last one of <see cref="FreezeThreshold"/> or more starts a settling period.</summary>
    private string? NoticeFreeze()
    {
        var now = _time.GetTimestamp();
        var gap = _time.GetElapsedTime(Volatile.Read(ref _lastTick), now); // only this thread writes it
        if (gap >= FreezeThreshold)
        {
            Interlocked.Increment(ref _freezes);
            _log.LogWarning("This process was frozen for {Seconds:0.#} s (no tick of the freeze detector's own thread); it serves again once its view of the cluster has caught up",
                gap.TotalSeconds);
            Interlocked.Exchange(ref _lastFreezeTicks, gap.Ticks);
            Interlocked.Exchange(ref _suspectUntil, now + (long)(SettleAfterFreeze.TotalSeconds * _time.TimestampFrequency));
        }
        // The tick last: a request that reads it (WhyNotServing) then reads the settling period just set.
        Interlocked.Exchange(ref _lastTick, now);
        if (gap >= _downedAfter) DownSelfAfterFreeze(gap);
        return Interlocked.Read(ref _suspectUntil) > now ? Frozen(TimeSpan.FromTicks(Interlocked.Read(ref _lastFreezeTicks))) : null;
    }

    private static string Frozen(TimeSpan gap) =>
        $"this process was frozen for {gap.TotalSeconds:0.#} s (a long pause: the cluster may have downed it meanwhile); it serves again once its view of the cluster has caught up";

    private void DownSelfAfterFreeze(TimeSpan gap)
    {
        var state = _cluster.State;
        if (state.Members.Count(m => m.UniqueAddress != _cluster.SelfUniqueAddress) == 0) return;
        if (Interlocked.Exchange(ref _downedSelf, 1) == 1) return;
        _log.LogWarning("This process was frozen for {Seconds:0.#} s, longer than the cluster takes to down an unreachable member ({DownedAfter}): " +
            "the others have downed it, and its own view is stale. It downs itself, stops serving and exits, to be restarted as a new member",
            gap.TotalSeconds, _downedAfter);
        _cluster.Down(_cluster.SelfAddress);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        if (Thread.CurrentThread != _ticker) _ticker.Join(TimeSpan.FromSeconds(2));
        _stop.Dispose();
    }
}
