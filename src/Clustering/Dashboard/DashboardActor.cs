using Akka.Actor;
using Akka.Cluster;
using Orchestrator.Actors.Observability;

namespace Orchestrator.Clustering.Dashboard;

/// <summary>
/// <c>/user/dashboard</c>: every <see cref="Sample"/> builds this node's <see cref="NodeSummary"/>
/// (<see cref="SummaryBuilder"/>, from published state: no ask) and tells it to the dashboard actor of every other Up,
/// reachable member when a state changed (a breaker, the stress level, a tier or feature) or <see cref="Interval"/>
/// has passed since it last did, so that a breaker that opens shows on every node's page quickly; keeps the latest summary of each member, drops those of members that left, and answers
/// <see cref="GetDashboard"/> with every member (unreachable ones marked, with their last summary). Without the
/// cluster it shows this node only.
/// </summary>
internal sealed class DashboardActor : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under <c>/user</c>.</summary>
    public const string Name = "dashboard";

    /// <summary>How often the summary is sent when nothing changed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How often the summary is built (and sent if a state changed).</summary>
    public static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);

    private readonly CallWindow _calls;
    private readonly TimeProvider _time;
    private readonly Akka.Cluster.Cluster? _cluster;
    private readonly string _self;
    private readonly Dictionary<string, NodeSummary> _others = new(StringComparer.Ordinal);
    private NodeSummary? _summary;
    private string _sentStates = "";
    private DateTimeOffset _sentAt = DateTimeOffset.MinValue;

    /// <summary>Creates the actor.</summary>
    public DashboardActor(CallWindow calls, TimeProvider time)
    {
        _calls = calls;
        _time = time;
        _cluster = ClusterSharing.IsClustered(Context.System) ? Akka.Cluster.Cluster.Get(Context.System) : null;
        _self = _cluster?.SelfAddress.ToString() ?? Context.System.Name;
        Receive<Tick>(_ => OnTick());
        Receive<NodeSummary>(OnSummary);
        Receive<GetDashboard>(_ => Sender.Tell(View()));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The actor's props.</summary>
    public static Props Props(CallWindow calls, TimeProvider time) => Akka.Actor.Props.Create(() => new DashboardActor(calls, time));

    /// <inheritdoc />
    protected override void PreStart()
    {
        Self.Tell(Tick.Instance);
        Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, Sample);
    }

    private void OnTick()
    {
        var now = _time.GetUtcNow();
        _summary = SummaryBuilder.Build(_self, TelemetrySources.For(Context.System), _calls, now);
        if (_cluster is null) return;
        var states = States(_summary);
        if (states == _sentStates && now - _sentAt < Interval) return;
        _sentStates = states;
        _sentAt = now;
        var state = _cluster.State;
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in state.Members)
        {
            var address = member.Address.ToString();
            members.Add(address);
            if (address == _self || member.Status != MemberStatus.Up || state.Unreachable.Contains(member)) continue;
            Context.ActorSelection(new RootActorPath(member.Address) / "user" / Name).Tell(_summary);
        }
        foreach (var gone in _others.Keys.Where(k => !members.Contains(k)).ToList()) _others.Remove(gone);
    }

    private void OnSummary(NodeSummary summary)
    {
        if (summary.Node == _self || _cluster is null) return;
        // Only members: a late summary of a node that has left is dropped.
        if (!_cluster.State.Members.Any(m => m.Address.ToString() == summary.Node)) return;
        if (_others.TryGetValue(summary.Node, out var known) && known.At > summary.At) return;
        _others[summary.Node] = summary;
    }

    private ClusterDashboard View()
    {
        var now = _time.GetUtcNow();
        var nodes = new List<NodeView>();
        if (_cluster is null)
            nodes.Add(new NodeView(_self, "Up", true, true, Age(_summary, now), _summary));
        else
        {
            var state = _cluster.State;
            var selfListed = false;
            foreach (var member in state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal))
            {
                var address = member.Address.ToString();
                var isSelf = address == _self;
                selfListed |= isSelf;
                var summary = isSelf ? _summary : _others.GetValueOrDefault(address);
                nodes.Add(new NodeView(address, member.Status.ToString(), !state.Unreachable.Contains(member), isSelf, Age(summary, now), summary));
            }
            if (!selfListed) nodes.Insert(0, new NodeView(_self, _cluster.SelfMember.Status.ToString(), true, true, Age(_summary, now), _summary));
        }
        return new ClusterDashboard(_self, now, nodes);
    }

    /// <summary>The states whose change is sent at once.</summary>
    private static string States(NodeSummary s) =>
        string.Join('|', s.Dependencies.Select(d => $"{d.Name}={d.Breaker}{(d.FollowsCluster ? "*" : "")}")) + "/" + s.Stress + "/"
        + string.Join(',', s.DisabledTiers) + "/" + string.Join(',', s.Features.Select(f => f.Enabled ? "1" : "0"));

    private static double? Age(NodeSummary? summary, DateTimeOffset now) =>
        summary is null ? null : Math.Round(Math.Max(0, (now - summary.At).TotalSeconds), 1);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}
