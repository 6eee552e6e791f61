using Orchestrator.Bench.Cluster;

namespace Orchestrator.Bench.Tests;

/// <summary>The cluster benchmark's real-process mode: its arguments, and the node log lines it times transitions by.</summary>
public sealed class ClusterProcessModeTests
{
    [Fact]
    public void Processes_is_a_mode_of_its_own_with_starts_warm_trials_and_the_node_to_run()
    {
        var arguments = RunnerArguments.Parse(["processes", "--starts", "5", "--warm", "0", "--node", "/tmp/Orchestrator.dll"], out var error);

        Assert.Null(error);
        Assert.NotNull(arguments);
        Assert.True(arguments.Processes);
        Assert.False(arguments.Propagation);
        Assert.False(arguments.Wasted);
        Assert.Equal(5, arguments.Starts);
        Assert.Equal(0, arguments.WarmPerStart);
        Assert.Equal("/tmp/Orchestrator.dll", arguments.Node);

        var defaults = RunnerArguments.Parse(["processes"], out _)!;
        Assert.Equal(RunnerArguments.DefaultNode, defaults.Node);
        Assert.False(RunnerArguments.Parse(["all"], out _)!.Processes);
    }

    [Theory]
    [InlineData("processes --starts 0", "--starts '0'")]
    [InlineData("processes --warm", "--warm needs a number")]
    [InlineData("propagation --starts 3", "for the mode 'processes'")]
    [InlineData("processes --node", "--node needs")]
    public void Bad_process_mode_arguments_are_refused_by_name(string args, string expected)
    {
        Assert.Null(RunnerArguments.Parse(args.Split(' '), out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Breaker_transitions_are_read_from_the_node_log_with_their_precise_timestamps()
    {
        var isolated = NodeLogLine.Parse("2026-11-30T03:17:06.8651611+00:00 WRN akka.tcp://orchestrator@127.0.0.1:4053/user/orchestrator/dependencies/recommendations: Circuit breaker of recommendations isolated (Closed -> Isolated): isolated by hand");
        var followed = NodeLogLine.Parse("2026-11-30T03:17:06.8751611+00:00 WRN x: Circuit breaker of recommendations opened by the cluster (Closed -> Open): the cluster policy AnyOpen opens it; opened on akka.tcp://orchestrator@127.0.0.1:4053");
        var closed = NodeLogLine.Parse("2026-11-30T03:17:07.0000000+00:00 INF x: Circuit breaker of recommendations moved Open -> Closed: node y closed its breaker");

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 3, 17, 6, TimeSpan.Zero).AddTicks(8651611), isolated!.Timestamp);
        Assert.Equal(("recommendations", BreakerLogKind.Isolated), (isolated.Dependency, isolated.Kind));
        Assert.Equal(BreakerLogKind.OpenedByCluster, followed!.Kind);
        Assert.Contains("opened on akka.tcp://orchestrator@127.0.0.1:4053", followed.Detail, StringComparison.Ordinal);
        Assert.Equal(10.0, (followed.Timestamp - isolated.Timestamp).TotalMilliseconds, 3);
        Assert.Equal(BreakerLogKind.Closed, closed!.Kind);
        Assert.Null(NodeLogLine.Parse("2026-11-30T03:17:07.0000000+00:00 WRN x: Circuit breaker of recommendations opened (Open -> Open): this node now probes"));
        Assert.Null(NodeLogLine.Parse("[03:17:07 INF] x: Circuit breaker of recommendations isolated (Closed -> Isolated)"));
        Assert.Null(NodeLogLine.Parse(""));
    }
}
