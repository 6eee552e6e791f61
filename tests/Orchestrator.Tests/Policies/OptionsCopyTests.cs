using Orchestrator.Actors.Reload;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

/// <summary>
/// Options copied and compared setting by setting for a change at run time: a copy equal to its source and not
/// frozen, lists and nested options copied rather than shared, each difference named by its path, a setting copied
/// back by path; and the preparation of a change that keeps what only a restart can change.
/// </summary>
public sealed class OptionsCopyTests
{
    private static DependencyOptions Frozen(Action<DependencyOptions>? configure = null)
    {
        var options = new DependencyOptions();
        configure?.Invoke(options);
        options.Freeze();
        return options;
    }

    [Fact]
    public void A_copy_has_every_setting_of_its_source_and_can_be_changed()
    {
        Func<Exception, bool> handles = e => e is TimeoutException;
        var source = Frozen(o =>
        {
            o.Timeout = TimeSpan.FromSeconds(3);
            o.Breaker.IgnoredExceptions.Add("X");
            o.Breaker.ShouldHandle = handles;
            o.Retry.MaxAttempts = 4;
            o.Replica = "replica";
        });
        var copy = OptionsCopy.Clone(source);
        Assert.Empty(OptionsCopy.Differences(source, copy));
        Assert.False(copy.IsFrozen);
        Assert.False(copy.Breaker.IsFrozen);
        Assert.NotSame(source.Breaker, copy.Breaker);
        Assert.NotSame(source.Breaker.IgnoredExceptions, copy.Breaker.IgnoredExceptions);
        Assert.Same(handles, copy.Breaker.ShouldHandle);

        copy.Breaker.IgnoredExceptions.Add("Y"); // the source's list is its own
        Assert.Equal(["X"], source.Breaker.IgnoredExceptions);
    }

    [Fact]
    public void Differences_are_named_by_their_paths_in_declaration_order()
    {
        var before = Frozen();
        var after = OptionsCopy.Clone(before);
        after.Breaker.HandledExceptions.Add("System.IO.IOException");
        after.Timeout = TimeSpan.FromSeconds(1);
        after.Bulkhead.QueueCapacity = 3;
        after.Breaker.FailureRatio = null;
        Assert.Equal(["Timeout", "Breaker:FailureRatio", "Breaker:HandledExceptions", "Bulkhead:QueueCapacity"], OptionsCopy.Differences(before, after));
    }

    [Fact]
    public void A_setting_is_copied_by_its_path_and_a_list_is_copied_whole()
    {
        var source = Frozen(o =>
        {
            o.Breaker.ResetTimeout = TimeSpan.FromSeconds(7);
            o.Retry.RetryOn.Add("System.IO.IOException");
        });
        var target = new DependencyOptions();
        OptionsCopy.CopySetting(target, source, "Breaker:ResetTimeout");
        OptionsCopy.CopySetting(target, source, "retry:retryon"); // as configuration keys: case ignored
        Assert.Equal(TimeSpan.FromSeconds(7), target.Breaker.ResetTimeout);
        Assert.Equal(["System.IO.IOException"], target.Retry.RetryOn);
        Assert.NotSame(source.Retry.RetryOn, target.Retry.RetryOn);
        Assert.Equal(["Breaker:ResetTimeout", "Retry:RetryOn"], OptionsCopy.Differences(new DependencyOptions(), target));
        Assert.Throws<ArgumentException>(() => OptionsCopy.CopySetting(target, source, "Breaker:Nope"));
    }

    [Fact]
    public void A_prepared_change_keeps_what_needs_a_restart_and_freezes_what_runs()
    {
        var current = Frozen();
        var at = DateTimeOffset.UnixEpoch;
        var (next, result) = OptionsChange.Prepare("payments", current, o =>
        {
            o.Cache.FreshFor = TimeSpan.FromSeconds(1);
            o.Cluster.Policy = ClusterPolicy.AnyOpen;
            o.Replica = "elsewhere"; // would fail validation were it kept: it is put back first
            o.Breaker.HalfOpenProbes = 3;
        }, at);
        Assert.NotNull(next);
        Assert.True(next.IsFrozen);
        Assert.Equal((3, TimeSpan.FromSeconds(30), ClusterPolicy.Quorum, (string?)null),
            (next.Breaker.HalfOpenProbes, next.Cache.FreshFor, next.Cluster.Policy, next.Replica));
        Assert.Equal(new OptionsChangeResult("payments", at, ["Breaker:HalfOpenProbes"], [], ["Cache:FreshFor", "Cluster:Policy", "Replica"]),
            result with { Applied = [.. result.Applied], NeedsRestart = [.. result.NeedsRestart] }, new ResultComparer());
        Assert.Equal(1, current.Breaker.HalfOpenProbes); // the options in force are not touched
    }

    /// <summary>Records with lists compare their lists by reference: this compares them by content.</summary>
    private sealed class ResultComparer : IEqualityComparer<OptionsChangeResult>
    {
        public bool Equals(OptionsChangeResult? x, OptionsChangeResult? y) =>
            x is not null && y is not null && x.Dependency == y.Dependency && x.At == y.At && x.Applied.SequenceEqual(y.Applied)
            && x.Refused.SequenceEqual(y.Refused) && x.NeedsRestart.SequenceEqual(y.NeedsRestart);

        public int GetHashCode(OptionsChangeResult obj) => obj.Dependency.GetHashCode();
    }
}
