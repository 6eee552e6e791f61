using Orchestrator.Actors;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

// The cluster-state actor: warm links to the other members: hello, learn, forget, and the rehearsal of the news path.
public sealed partial class ClusterStateActor
{
    private static ActorPath PeerPath(Address node) => new RootActorPath(node) / "user" / ActorNames.Guardian / Name;

    private ActorSelection PeerSelection(Address node) => Context.ActorSelection(PeerPath(node));

    /// <summary>
    /// Greets <paramref name="member"/> unless a link to it (this incarnation) exists already. From Joining on, not
    /// only Up: the greeting then has the time the member takes to become Up, before any news can be for it.
    /// </summary>
    private void StartWarming(Member member)
    {
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress) || _peers.ContainsKey(member.UniqueAddress)) return;
        var link = new PeerLink(member.Address.ToString(), member.UniqueAddress.Uid, PeerLinkState.Warming, 0, null);
        _peers[member.UniqueAddress] = link;
        SayHello(member.UniqueAddress, link);
    }

    /// <summary>Sends one more hello to a member still warming, and sets the timer for the next one (the wait doubling).</summary>
    private void SayHello(UniqueAddress member, PeerLink link)
    {
        var hellos = link.Hellos + 1;
        _peers[member] = link with { Hellos = hellos };
        PeerSelection(member.Address).Tell(new PeerHello(_self, _selfUid, _sample), Self);
        var wait = TimeSpan.FromTicks(Math.Min(MaxHelloInterval.Ticks, FirstHelloInterval.Ticks << Math.Min(hellos - 1, 16)));
        Timers.StartSingleTimer(HelloTimer(member), new RetryPeerHello(member), wait);
    }

    private static string HelloTimer(UniqueAddress member) => $"hello:{member}";

    /// <summary>A hello from another member's cluster-state actor: answer it, and keep its sender as that member's actor.</summary>
    private void OnHello(PeerHello hello)
    {
        Sender.Tell(new PeerHelloAck(_self, _selfUid, _sample), Self);
        Learn(hello.Node, hello.Uid, Sender, "greeted us");
    }

    /// <summary>
    /// <paramref name="peer"/>, the cluster-state actor of the member <paramref name="node"/> (incarnation
    /// <paramref name="uid"/>), answered or greeted: the link is warm. Idempotent; a node not (or no longer) a member is ignored.
    /// </summary>
    private void Learn(string node, long uid, IActorRef peer, string how)
    {
        var member = _members.Keys.FirstOrDefault(m => m.Uid == uid && m.Address.ToString() == node);
        if (member is null || member.Equals(_cluster.SelfUniqueAddress))
        {
            _log.Debug("Ignoring a greeting of {Node} (uid {Uid}): not a member here (yet)", node, uid);
            return;
        }
        var before = _peers.GetValueOrDefault(member);
        if (before is { State: PeerLinkState.Warm } && before.Peer!.Equals(peer)) return;
        if (before?.Peer is { } old && !old.Equals(peer)) Context.Unwatch(old);
        Timers.Cancel(HelloTimer(member));
        Context.Watch(peer);
        _peers[member] = new PeerLink(node, uid, PeerLinkState.Warm, before?.Hellos ?? 0, peer);
        _log.Debug("Breaker news path to {Node} (uid {Uid}) is warm: its cluster-state actor {Peer} {How} (hellos sent: {Hellos})",
            node, uid, peer.Path, how, before?.Hellos ?? 0);
    }

    /// <summary>A peer's resolved actor stopped (its orchestrator restarted, say): greet that member again while it is one.</summary>
    private void OnPeerTerminated(Terminated terminated)
    {
        foreach (var (member, link) in _peers.Where(p => terminated.ActorRef.Equals(p.Value.Peer)).ToList())
        {
            _log.Debug("The cluster-state actor of {Node} stopped; greeting that member again", link.Node);
            _peers[member] = link with { State = PeerLinkState.Warming, Peer = null };
            SayHello(member, _peers[member]);
        }
    }

    private void ForgetPeer(UniqueAddress member)
    {
        if (!_peers.Remove(member, out var link)) return;
        Timers.Cancel(HelloTimer(member));
        if (link.Peer is { } peer) Context.Unwatch(peer);
    }

    /// <summary>
    /// Runs once, on samples and off the actor's thread, what the first breaker news runs in this process: the
    /// default serializer on an entry and a hello, Akka.DistributedData's on a map holding an entry (the replicators'
    /// writes carry it), and the verdict. Nothing is sent or kept; it only spares the first news the serializers'
    /// first use and the JIT.
    /// </summary>
    private static Task<NewsPathRehearsed> RehearseNewsPath(ActorSystem system, Akka.Cluster.Cluster cluster, OrchestratorOptions options, NodeBreakerEntry sample) =>
        Task.Run(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var serialization = system.Serialization;
            var map = LWWDictionary<string, NodeBreakerEntry>.Empty.SetItem(cluster, sample.Key, sample);
            foreach (var message in new object[] { sample, new PeerHello(sample.Node, sample.Uid, sample), map })
            {
                var serializer = serialization.FindSerializerFor(message);
                serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
            }
            foreach (var (name, dependency) in options.Dependencies.Take(1))
            {
                var entry = sample with { Dependency = name, State = BreakerState.Open, Version = 1 };
                var status = ClusterVerdict.Judge(name, dependency.Cluster, [entry], 2);
                _ = ClusterVerdict.ViewFor(status, sample.Node, null).SaysTheSameAs(ClusterVerdict.ViewFor(status, sample.Node, entry.Node));
                _ = ClusterVerdict.Recovered(entry, entry with { State = BreakerState.Closed, Version = 2, Recoveries = 1 });
            }
            return new NewsPathRehearsed(clock.Elapsed);
        });
}
