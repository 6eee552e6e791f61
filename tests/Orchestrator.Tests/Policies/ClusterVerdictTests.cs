using Microsoft.Extensions.Configuration;
using Orchestrator.Actors.Cluster;
using Orchestrator.Clustering;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

/// <summary>The cluster policy maths, without a cluster: which nodes count, whether the policy opens, who probes.</summary>
public sealed class ClusterVerdictTests
{
    private const string A = "akka.tcp://o@10.0.0.1:4053", B = "akka.tcp://o@10.0.0.2:4053", C = "akka.tcp://o@10.0.0.3:4053";

    private static NodeBreakerEntry Entry(string node, BreakerState state, bool follows = false, long version = 1) =>
        new("payments", node, 7, state, follows, version);

    private static ClusterBreakerStatus Judge(ClusterPolicy policy, int reachable, params NodeBreakerEntry[] entries) =>
        ClusterVerdict.Judge("payments", new ClusterBreakerOptions { Policy = policy }, entries, reachable);

    [Fact]
    public void AnyOpen_opens_on_one_node_s_own_evidence_and_that_node_probes()
    {
        var status = Judge(ClusterPolicy.AnyOpen, 3, Entry(B, BreakerState.Open), Entry(A, BreakerState.Closed));
        Assert.True(status.PolicyOpens);
        Assert.Equal([B], status.OpenedOn);
        Assert.Equal(B, status.Prober);
        Assert.Equal([A, B], status.Nodes.Select(n => n.Node)); // ordered by address
    }

    [Fact]
    public void Followers_are_seen_open_but_are_not_evidence()
    {
        var status = Judge(ClusterPolicy.AnyOpen, 3, Entry(A, BreakerState.Open, follows: true), Entry(C, BreakerState.Open, follows: true));
        Assert.False(status.PolicyOpens);
        Assert.Empty(status.OpenedOn);
        Assert.Equal([A, C], status.SeenOpenOn);
        Assert.Equal(A, status.Prober); // the evidence left: the lowest address that still sees it open probes
    }

    [Fact]
    public void The_prober_is_a_node_with_evidence_before_any_follower()
    {
        var status = Judge(ClusterPolicy.AnyOpen, 3, Entry(A, BreakerState.Open, follows: true), Entry(C, BreakerState.HalfOpen));
        Assert.Equal(C, status.Prober);
    }

    [Fact]
    public void An_isolated_node_counts_toward_the_policy_but_never_probes()
    {
        var status = Judge(ClusterPolicy.AnyOpen, 3, Entry(A, BreakerState.Isolated), Entry(B, BreakerState.Open, follows: true));
        Assert.True(status.PolicyOpens);
        Assert.Equal(B, status.Prober);
        Assert.Null(Judge(ClusterPolicy.AnyOpen, 3, Entry(A, BreakerState.Isolated)).Prober);
    }

    [Fact]
    public void A_half_open_breaker_probes_but_opens_no_other_node()
    {
        var status = Judge(ClusterPolicy.AnyOpen, 2, Entry(B, BreakerState.HalfOpen));
        Assert.False(status.PolicyOpens);
        Assert.Empty(status.OpenedOn);
        Assert.Equal([B], status.SeenOpenOn);
        Assert.Equal(B, status.Prober);
    }

    [Fact]
    public void Evidence_overtaken_by_a_recovery_is_shown_but_does_not_count()
    {
        var status = ClusterVerdict.Judge("payments", new ClusterBreakerOptions { Policy = ClusterPolicy.AnyOpen },
            [Entry(A, BreakerState.Closed), Entry(B, BreakerState.Open)], 2, overtaken: e => e.Node == B);
        Assert.False(status.PolicyOpens);
        Assert.Empty(status.OpenedOn);
        Assert.Equal([B], status.SeenOpenOn);
        Assert.Equal(B, status.Prober); // it still holds its open period, until it hears of the recovery
    }

    [Theory]
    [InlineData(3, 1, false)]
    [InlineData(3, 2, true)]
    [InlineData(4, 2, false)]
    [InlineData(4, 3, true)]
    [InlineData(1, 1, true)]
    public void Quorum_by_default_needs_a_majority_of_reachable_nodes(int reachable, int open, bool opens)
    {
        var entries = new[] { A, B, C, "akka.tcp://o@10.0.0.4:4053" }.Take(open).Select(n => Entry(n, BreakerState.Open)).ToArray();
        Assert.Equal(opens, Judge(ClusterPolicy.Quorum, reachable, entries).PolicyOpens);
    }

    [Fact]
    public void Quorum_by_count_or_fraction()
    {
        var entries = new[] { Entry(A, BreakerState.Open), Entry(B, BreakerState.Isolated) };
        Assert.True(ClusterVerdict.Judge("payments", new ClusterBreakerOptions { QuorumCount = 2 }, entries, 5).PolicyOpens);
        Assert.False(ClusterVerdict.Judge("payments", new ClusterBreakerOptions { QuorumCount = 3 }, entries, 5).PolicyOpens);
        Assert.False(ClusterVerdict.Judge("payments", new ClusterBreakerOptions { QuorumFraction = 0.5 }, entries, 5).PolicyOpens); // 3 of 5
        Assert.True(ClusterVerdict.Judge("payments", new ClusterBreakerOptions { QuorumFraction = 0.4 }, entries, 5).PolicyOpens); // 2 of 5
        Assert.Equal("Quorum (3 of 5 reachable)", ClusterVerdict.Judge("payments", new ClusterBreakerOptions { QuorumFraction = 0.5 }, entries, 5).Policy);
    }

    [Fact]
    public void LocalOnly_never_opens_and_names_no_prober()
    {
        var status = Judge(ClusterPolicy.LocalOnly, 2, Entry(A, BreakerState.Open), Entry(B, BreakerState.Open));
        Assert.False(status.PolicyOpens);
        Assert.Null(status.Prober);
        Assert.Equal([A, B], status.OpenedOn); // shown all the same
    }

    [Fact]
    public void Entries_of_other_dependencies_do_not_count()
    {
        var other = new NodeBreakerEntry("inventory", A, 7, BreakerState.Open, false, 1);
        Assert.False(Judge(ClusterPolicy.AnyOpen, 2, other).PolicyOpens);
    }

    [Fact]
    public void A_recovery_is_a_later_version_with_more_recoveries_whatever_state_it_shows_now()
    {
        var open = Entry(A, BreakerState.HalfOpen, version: 3);
        Assert.True(ClusterVerdict.Recovered(open, Entry(A, BreakerState.Closed, version: 4) with { Recoveries = 1 }));
        // The closed state itself was missed: the node already follows another one again.
        Assert.True(ClusterVerdict.Recovered(open, Entry(A, BreakerState.Open, follows: true, version: 6) with { Recoveries = 1 }));
        // A follower that closes did not see the dependency recover.
        Assert.False(ClusterVerdict.Recovered(Entry(A, BreakerState.Open, follows: true, version: 3), Entry(A, BreakerState.Closed, version: 4)));
        Assert.False(ClusterVerdict.Recovered(null, Entry(A, BreakerState.Closed, version: 4) with { Recoveries = 1 }));
        Assert.False(ClusterVerdict.Recovered(open with { Version = 5, Recoveries = 1 }, Entry(A, BreakerState.Closed, version: 4) with { Recoveries = 1 }));
    }

    [Fact]
    public void The_view_tells_the_prober_it_probes_and_carries_its_version()
    {
        var status = Judge(ClusterPolicy.AnyOpen, 2, Entry(B, BreakerState.Open, version: 9));
        var onB = ClusterVerdict.ViewFor(status, B, null);
        var onA = ClusterVerdict.ViewFor(status, A, null);
        Assert.True(onB.ProbesHere);
        Assert.False(onB.ProbesElsewhere);
        Assert.True(onA.ProbesElsewhere);
        Assert.Equal(9, onA.ProberVersion);
        Assert.True(onA.SaysTheSameAs(ClusterVerdict.ViewFor(status, A, null)));
        Assert.False(onA.SaysTheSameAs(ClusterVerdict.ViewFor(status, A, B)));
    }
}

/// <summary>Validation of the cluster settings.</summary>
public sealed class ClusterOptionsValidationTests
{
    [Theory]
    [InlineData(0, null, "Orchestrator:Dependencies:payments:Cluster:QuorumCount must be at least 1, not 0.")]
    [InlineData(null, 1.5, "Orchestrator:Dependencies:payments:Cluster:QuorumFraction must be in (0, 1], not 1.5.")]
    [InlineData(2, 0.5, "Orchestrator:Dependencies:payments:Cluster: set QuorumCount (2) or QuorumFraction (0.5), not both.")]
    public void Bad_quorum_settings_are_named(int? count, double? fraction, string error)
    {
        var options = new OrchestratorOptions().AddDependency("payments", d =>
        {
            d.Cluster.QuorumCount = count;
            d.Cluster.QuorumFraction = fraction;
        });
        Assert.Equal(error, Assert.Single(options.GetErrors()));
    }

    [Fact]
    public void A_quorum_setting_under_another_policy_is_an_error()
    {
        var options = new OrchestratorOptions().AddDependency("payments", d => d.Cluster = new ClusterBreakerOptions { Policy = ClusterPolicy.AnyOpen, QuorumCount = 2 });
        Assert.Contains("apply to the Quorum policy only; the policy is AnyOpen", Assert.Single(options.GetErrors()));
    }

    [Fact]
    public void Sharing_intervals_are_checked()
    {
        var sharing = new ClusterSharingOptions { GossipInterval = TimeSpan.Zero, PublishTimeout = TimeSpan.FromMinutes(5) };
        Assert.Equal(
            [
                "Orchestrator:Cluster:PublishTimeout must be positive and at most 1 minute, not 00:05:00.",
                "Orchestrator:Cluster:GossipInterval must be between 10 ms and 1 minute, not 00:00:00.",
            ],
            sharing.GetErrors());
        Assert.Contains("Orchestrator:Cluster:GossipInterval", Assert.Throws<OrchestratorOptionsException>(() => sharing.Validate()).Message);
    }

    [Fact]
    public void The_policy_binds_from_configuration_by_name()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Dependencies:payments:Cluster:Policy"] = "Quorum",
                ["Dependencies:payments:Cluster:QuorumCount"] = "2",
                ["Cluster:ShareStress"] = "true",
            })
            .Build();
        // The core's binder leaves Cluster to Orchestrator.Clustering, which binds it itself.
        var options = Orchestrator.Actors.Hosting.OrchestratorOptionsBinder.Bind(configuration);
        var sharing = ClusterSharingOptions.Bind(configuration);
        Assert.Equal(2, options.Dependencies["payments"].Cluster.QuorumCount);
        Assert.True(sharing.ShareStress);
        Assert.Empty(options.GetErrors());
        Assert.Empty(sharing.GetErrors());
    }
}
