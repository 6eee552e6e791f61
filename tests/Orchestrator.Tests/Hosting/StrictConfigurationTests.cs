using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Actors.Hosting;
using Orchestrator.Clustering;
using Orchestrator.Contracts;
using Orchestrator.WriteQueue;

namespace Orchestrator.Tests.Hosting;

/// <summary>
/// Configuration errors a person can act on: an unknown key names its full path, the settings of its level and the
/// closest one; a value of the wrong type names its path, the value and the type expected with an example. Every
/// problem is listed at once. The packages bind their own sections with the same rules.
/// </summary>
public sealed class StrictConfigurationTests
{
    private const string DependencySettings = "Known: Timeout, Breaker, Bulkhead, RateLimit, Retry, Hedging, Cache, Cluster, Replica, ProbeTimeout.";

    private static IConfigurationSection Section(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value)))
            .Build()
            .GetSection(OrchestratorOptions.SectionName);

    private static IReadOnlyList<string> Refused(params (string Key, string? Value)[] values) =>
        Assert.Throws<OrchestratorOptionsException>(() => OrchestratorOptionsBinder.Bind(Section(values))).Errors;

    [Fact]
    public void An_unknown_key_at_the_top_names_the_sections_and_the_close_one()
    {
        Assert.Equal(
            "Orchestrator:Dependency is not a setting of Orchestrator; did you mean Dependencies? " +
            "Known: Dependencies, Features, Stress, Admission, Chaos (and Cluster, WriteQueue, read separately).",
            Assert.Single(Refused(("Orchestrator:Dependency:payments:Timeout", "00:00:01"))));
    }

    [Fact]
    public void An_unknown_key_in_a_dependency_suggests_the_setting_it_is_close_to()
    {
        Assert.Equal(
            $"Orchestrator:Dependencies:payments:Timout is not a setting of a dependency; did you mean Timeout? {DependencySettings}",
            Assert.Single(Refused(("Orchestrator:Dependencies:payments:Timout", "00:00:01"))));
    }

    [Fact]
    public void An_unknown_key_far_from_every_setting_lists_them_without_a_guess()
    {
        Assert.Equal(
            $"Orchestrator:Dependencies:payments:Colour is not a setting of a dependency. {DependencySettings}",
            Assert.Single(Refused(("Orchestrator:Dependencies:payments:Colour", "red"))));
    }

    [Fact]
    public void An_unknown_key_in_a_nested_section_names_its_full_path()
    {
        var error = Assert.Single(Refused(("Orchestrator:Dependencies:payments:Breaker:FailureTreshold", "3")));
        Assert.StartsWith(
            "Orchestrator:Dependencies:payments:Breaker:FailureTreshold is not a setting of Orchestrator:Dependencies:payments:Breaker; " +
            "did you mean FailureThreshold? Known: FailureThreshold, FailureRatio, MinimumThroughput,", error);
        Assert.DoesNotContain("ShouldHandle", error); // settable in code only: not offered
    }

    [Theory]
    [InlineData("Orchestrator:Dependencies:payments:Timeout", "abc", "'abc' is not a valid TimeSpan (e.g. 00:00:02).")]
    [InlineData("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency", "ten", "'ten' is not a valid int (a whole number, e.g. 10).")]
    [InlineData("Orchestrator:Dependencies:payments:Breaker:FailureRatio", "half", "'half' is not a valid double (a number, e.g. 0.5).")]
    [InlineData("Orchestrator:Chaos:Enabled", "yes", "'yes' is not a valid bool (true or false).")]
    [InlineData("Orchestrator:Features:reviews:Tier", "Optionl", "'Optionl' is not a valid Tier (one of Critical, Important, Optional).")]
    [InlineData("Orchestrator:Features:reviews:Tier", "7", "'7' is not a valid Tier (one of Critical, Important, Optional).")]
    [InlineData("Orchestrator:Dependencies:payments:Cluster:Policy", "Any", "'Any' is not a valid ClusterPolicy (one of")]
    [InlineData("Orchestrator:Dependencies:payments:Timeout", "", "'' is not a valid TimeSpan (e.g. 00:00:02).")]
    public void A_value_of_the_wrong_type_names_the_path_the_value_and_the_type_expected(string key, string value, string expected)
    {
        var error = Assert.Single(Refused((key, value)));
        Assert.StartsWith($"{key}: {expected}", error);
    }

    [Fact]
    public void An_empty_value_of_a_nullable_setting_is_no_value()
    {
        var options = OrchestratorOptionsBinder.Bind(Section(("Orchestrator:Dependencies:payments:ProbeTimeout", "")));
        Assert.Null(options.Dependencies["payments"].ProbeTimeout);
    }

    [Fact]
    public void Every_problem_is_listed_at_once_and_nothing_is_bound()
    {
        var options = new OrchestratorOptions();
        var e = Assert.Throws<OrchestratorOptionsException>(() => OrchestratorOptionsBinder.Bind(Section(
            ("Orchestrator:Dependencies:payments:Timeout", "soon"),
            ("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurency", "4"),
            ("Orchestrator:Dependencies:inventory:Retry:MaxAttempts", "many"),
            ("Orchestrator:Stres:SampleInterval", "00:00:01"),
            ("Orchestrator:Chaos:Enabled", "true")), options));

        Assert.Equal(4, e.Errors.Count);
        Assert.Contains(e.Errors, x => x.StartsWith("Orchestrator:Dependencies:payments:Timeout: 'soon' is not a valid TimeSpan", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurency is not a setting", StringComparison.Ordinal) && x.Contains("did you mean MaxConcurrency?"));
        Assert.Contains(e.Errors, x => x.StartsWith("Orchestrator:Dependencies:inventory:Retry:MaxAttempts: 'many' is not a valid int", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("Orchestrator:Stres is not a setting of Orchestrator; did you mean Stress?", StringComparison.Ordinal));
        Assert.False(options.Chaos.Enabled); // the good value is not bound either: all or nothing
        Assert.Empty(options.Dependencies);
    }

    [Fact]
    public void Lists_take_indexes_and_code_only_settings_are_refused_from_configuration()
    {
        var errors = Refused(
            ("Orchestrator:Dependencies:payments:Breaker:HandledExceptions:first", "System.TimeoutException"),
            ("Orchestrator:Dependencies:payments:Probe", "GET /health"),
            ("Orchestrator:Dependencies:payments:Timeout:Seconds", "2"));
        Assert.Equal(
            [
                "Orchestrator:Dependencies:payments:Breaker:HandledExceptions:first is not an entry of the list Orchestrator:Dependencies:payments:Breaker:HandledExceptions: " +
                "its entries are numbered 0, 1, 2, ... (Orchestrator:Dependencies:payments:Breaker:HandledExceptions:0).",
                "Orchestrator:Dependencies:payments:Probe can be set in code only (it is a delegate), not in configuration.",
                "Orchestrator:Dependencies:payments:Timeout:Seconds is not a setting: Orchestrator:Dependencies:payments:Timeout is one value " +
                "(TimeSpan (e.g. 00:00:02)), with no settings under it.",
            ],
            errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_core_leaves_the_packages_sections_to_them()
    {
        var section = Section(("Orchestrator:Cluster:ShareStres", "true"), ("Orchestrator:WriteQueue:MaxAttempt", "3"), ("Orchestrator:Dependencies:payments:Timeout", "00:00:02"));

        var options = OrchestratorOptionsBinder.Bind(section); // neither bound nor reported here
        Assert.Equal(TimeSpan.FromSeconds(2), options.Dependencies["payments"].Timeout);

        Assert.Equal(
            "Orchestrator:Cluster:ShareStres is not a setting of Orchestrator:Cluster; did you mean ShareStress? " +
            "Known: Enabled, ShareStress, PublishTimeout, GossipInterval, NotifyInterval.",
            Assert.Single(Assert.Throws<OrchestratorOptionsException>(() => ClusterSharingOptions.Bind(section)).Errors));
        Assert.StartsWith("Orchestrator:WriteQueue:MaxAttempt is not a setting of Orchestrator:WriteQueue; did you mean MaxAttempts?",
            Assert.Single(Assert.Throws<OrchestratorOptionsException>(() => WriteQueueOptions.Bind(section)).Errors));
    }

    [Fact]
    public void Clustering_bound_from_the_orchestrator_section_refuses_a_bad_key_or_value_naming_it()
    {
        var section = Section(("Orchestrator:Cluster:GossipIntervall", "00:00:01"), ("Orchestrator:Cluster:PublishTimeout", "fast"));
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "x").WithOrchestrator(section);

        var e = Assert.Throws<OrchestratorOptionsException>(() => builder.WithOrchestratorClustering(section));
        Assert.Equal(
            [
                "Orchestrator:Cluster:GossipIntervall is not a setting of Orchestrator:Cluster; did you mean GossipInterval? " +
                "Known: Enabled, ShareStress, PublishTimeout, GossipInterval, NotifyInterval.",
                "Orchestrator:Cluster:PublishTimeout: 'fast' is not a valid TimeSpan (e.g. 00:00:02).",
            ],
            e.Errors);
    }

    [Fact]
    public void Clustering_validates_its_options_at_once_naming_the_setting()
    {
        var section = Section(("Orchestrator:Cluster:NotifyInterval", "00:00:00.001"));
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "x").WithOrchestrator(o => o.AddDependency("payments"));

        var e = Assert.Throws<OrchestratorOptionsException>(() => builder.WithOrchestratorClustering(section, s => s.ShareStress = true));
        Assert.Equal("Orchestrator:Cluster:NotifyInterval must be between 10 ms and 1 minute, not 00:00:00.0010000.", Assert.Single(e.Errors));
    }

    [Fact]
    public void Clustering_options_bind_from_the_orchestrator_section_and_are_frozen_at_start()
    {
        var sharing = ClusterSharingOptions.Bind(Section(("Orchestrator:Cluster:ShareStress", "true"), ("Orchestrator:Cluster:GossipInterval", "00:00:00.500")));
        Assert.True(sharing.ShareStress);
        Assert.Equal(TimeSpan.FromMilliseconds(500), sharing.GossipInterval);
        Assert.Empty(sharing.GetErrors());

        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "x").WithOrchestrator(o => o.AddDependency("payments"));
        builder.WithOrchestratorClustering(sharing).WithOrchestratorClustering(); // twice: harmless
        var other = Assert.Throws<OrchestratorOptionsException>(() => builder.WithOrchestratorClustering(new ClusterSharingOptions()));
        Assert.Contains("WithOrchestratorClustering was called again with other options", other.Message);
    }

    [Fact]
    public void Node_style_settings_bind_with_the_same_rules_and_name_their_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Edge:Limit:Burts"] = "5",
            ["Edge:Limit:Mode"] = "Strict",
            ["Edge:Names:0"] = "a",
        }).Build();
        var errors = new List<string>();
        var settings = StrictConfiguration.Bind(configuration.GetSection("Edge"), new EdgeLike(), errors);

        Assert.Equal(
            [
                "Edge:Limit:Burts is not a setting of Edge:Limit; did you mean Burst? Known: Burst, Mode.",
                "Edge:Limit:Mode: 'Strict' is not a valid LimitMode (one of Off, Fair).",
            ],
            errors);
        Assert.Empty(settings.Names); // not bound: there were errors

        errors.Clear();
        var computed = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Edge:Enabled"] = "false" }).Build();
        StrictConfiguration.Bind(computed.GetSection("Edge"), new EdgeLike(), errors);
        Assert.Equal("Edge:Enabled cannot be set: it is worked out from the other settings of Edge (read only). Known: Limit, Names.", Assert.Single(errors));

        errors.Clear();
        var good = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Edge:Limit:Burst"] = "5", ["Edge:Names:0"] = "a" }).Build();
        settings = StrictConfiguration.Bind(good.GetSection("Edge"), new EdgeLike(), errors);
        Assert.Empty(errors);
        Assert.Equal(5, settings.Limit.Burst);
        Assert.Equal(["a"], settings.Names);
    }

    public enum LimitMode { Off, Fair }

    public sealed class LimitLike
    {
        public int Burst { get; set; }

        public LimitMode Mode { get; set; }
    }

    public sealed class EdgeLike
    {
        public LimitLike Limit { get; } = new(); // read-only: bound in place

        public List<string> Names { get; set; } = [];

        public bool Enabled => Limit.Burst > 0; // computed: no setting
    }
}
