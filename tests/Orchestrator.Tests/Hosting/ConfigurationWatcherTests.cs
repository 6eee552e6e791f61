using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Configuration;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Hosting;

/// <summary>
/// The configuration watcher on its own, with a probe in the supervisor's place: what it sends for a reload, and
/// what it does not send again.
/// </summary>
public sealed class ConfigurationWatcherTests(ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static IConfigurationRoot Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Orchestrator:Dependencies:payments:Timeout"] = "00:00:02",
    }).Build();

    private static OptionsChangeResult Accepted(ChangeDependencyOptions change)
    {
        var options = new DependencyOptions();
        change.Change(options);
        return new OptionsChangeResult(change.Dependency, DateTimeOffset.UnixEpoch, ["Timeout"], [], []);
    }

    [Fact]
    public void A_section_bound_twice_sends_one_change_per_reload()
    {
        var configuration = Configuration();
        var supervisor = CreateTestProbe();
        var section = configuration.GetSection(OrchestratorOptions.SectionName);
        Sys.ActorOf(ConfigurationWatcher.Props([BoundSection.Of(section), BoundSection.Of(section)], supervisor.Ref, ["payments"]));
        supervisor.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // its first look: nothing changed since binding

        configuration["Orchestrator:Dependencies:payments:Timeout"] = "00:00:01";
        configuration.Reload(); // one reload, two subscriptions
        var change = supervisor.ExpectMsg<ChangeDependencyOptions>(Limit);
        var options = new DependencyOptions();
        change.Change(options);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Timeout);
        supervisor.Reply(Accepted(change));
        supervisor.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        configuration.Reload(); // nothing changed since
        supervisor.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_change_made_between_binding_and_the_watcher_start_is_sent()
    {
        var configuration = Configuration();
        var supervisor = CreateTestProbe();
        var bound = BoundSection.Of(configuration.GetSection(OrchestratorOptions.SectionName));
        configuration["Orchestrator:Dependencies:payments:Timeout"] = "00:00:04"; // no reload event is watched yet
        Sys.ActorOf(ConfigurationWatcher.Props([bound], supervisor.Ref, ["payments"]));
        var change = supervisor.ExpectMsg<ChangeDependencyOptions>(Limit);
        var options = new DependencyOptions();
        change.Change(options);
        Assert.Equal(TimeSpan.FromSeconds(4), options.Timeout);
    }

    [Fact]
    public void A_reload_before_the_last_change_is_answered_waits_for_the_answer_and_a_refusal_goes_whole_into_the_fix()
    {
        // The dependency refuses the first change (a bad threshold), but the watcher hears it only after the file is
        // fixed and reloaded. Compared at once, the fix sent the threshold alone: the valid timeout of the refused
        // change was lost (seen as a flaky ConfigurationReloadTests on a busy machine).
        var configuration = Configuration();
        var supervisor = CreateTestProbe();
        Sys.ActorOf(ConfigurationWatcher.Props([BoundSection.Of(configuration.GetSection(OrchestratorOptions.SectionName))], supervisor.Ref, ["payments"]));
        configuration["Orchestrator:Dependencies:payments:Timeout"] = "00:00:03";
        configuration["Orchestrator:Dependencies:payments:Breaker:FailureThreshold"] = "-3";
        configuration.Reload();
        supervisor.ExpectMsg<ChangeDependencyOptions>(Limit);
        var firstAsker = supervisor.LastSender;

        configuration["Orchestrator:Dependencies:payments:Breaker:FailureThreshold"] = "3";
        configuration.Reload();
        supervisor.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // the first change is not answered yet
        firstAsker.Tell(new OptionsChangeResult("payments", DateTimeOffset.UnixEpoch, [], ["FailureThreshold must be 0 (off) or more, not -3."], []), supervisor.Ref);

        var fix = supervisor.ExpectMsg<ChangeDependencyOptions>(Limit);
        var options = new DependencyOptions();
        fix.Change(options);
        Assert.Equal((TimeSpan.FromSeconds(3), 3), (options.Timeout, options.Breaker.FailureThreshold));
    }

    [Fact]
    public void A_bad_reading_is_sent_once_as_a_refusal_and_not_again_at_the_next_event()
    {
        var configuration = Configuration();
        var supervisor = CreateTestProbe();
        Sys.ActorOf(ConfigurationWatcher.Props([BoundSection.Of(configuration.GetSection(OrchestratorOptions.SectionName))], supervisor.Ref, ["payments"]));
        configuration["Orchestrator:Dependencies:payments:Timeout"] = "soon";
        configuration.Reload();
        var change = supervisor.ExpectMsg<ChangeDependencyOptions>(Limit);
        var refused = Assert.Throws<OrchestratorOptionsException>(() => change.Change(new DependencyOptions()));
        Assert.StartsWith("Orchestrator:Dependencies:payments:Timeout: 'soon' is not a valid TimeSpan", Assert.Single(refused.Errors));
        supervisor.Reply(new OptionsChangeResult("payments", DateTimeOffset.UnixEpoch, [], refused.Errors, []));

        configuration.Reload(); // the same bad reading
        supervisor.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
