using Orchestrator.Actors.Admission;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Coordination;

public sealed class AdmissionControllerTests
{
    private static AdmissionController Controller(Action<AdmissionOptions>? configure = null)
    {
        var options = new AdmissionOptions { Enabled = true, Limit = 10, OptionalShare = 0.5, ImportantShare = 0.8 };
        configure?.Invoke(options);
        return new AdmissionController(options);
    }

    [Fact]
    public void Lower_tiers_are_shed_first_and_a_share_is_kept_for_critical()
    {
        var admission = Controller();
        Assert.Equal(5, admission.CapFor(Tier.Optional));
        Assert.Equal(8, admission.CapFor(Tier.Important));
        Assert.Equal(10, admission.CapFor(Tier.Critical));

        for (var i = 0; i < 5; i++) Assert.True(admission.TryAdmit(Tier.Optional));
        Assert.False(admission.TryAdmit(Tier.Optional));
        for (var i = 0; i < 3; i++) Assert.True(admission.TryAdmit(Tier.Important));
        Assert.False(admission.TryAdmit(Tier.Important));
        Assert.True(admission.TryAdmit(Tier.Critical));
        Assert.True(admission.TryAdmit(Tier.Critical));
        Assert.False(admission.TryAdmit(Tier.Critical));

        var snapshot = admission.Snapshot();
        Assert.Equal(10, snapshot.InFlight);
        Assert.Equal((1, 1, 1), (snapshot.ShedOptional, snapshot.ShedImportant, snapshot.ShedCritical));

        admission.Release(TimeSpan.Zero, succeeded: true);
        Assert.True(admission.TryAdmit(Tier.Critical));
    }

    [Fact]
    public void Concurrent_admissions_never_exceed_the_limit()
    {
        var admission = Controller(o => o.Limit = 50);
        var admitted = 0;
        Parallel.For(0, 10_000, _ =>
        {
            if (admission.TryAdmit(Tier.Critical)) Interlocked.Increment(ref admitted);
        });
        Assert.Equal(50, admitted);
        Assert.Equal(50, admission.InFlight);
    }

    [Fact]
    public void The_adaptive_limit_grows_with_calls_on_time_and_shrinks_with_slow_or_failed_ones()
    {
        var admission = Controller(o =>
        {
            o.Adaptive = true;
            o.MinLimit = 5;
            o.MaxLimit = 12;
            o.LatencyTarget = TimeSpan.FromMilliseconds(100);
        });
        for (var i = 0; i < 10; i++)
        {
            Assert.True(admission.TryAdmit(Tier.Critical));
            admission.Release(TimeSpan.FromMilliseconds(50), succeeded: true);
        }
        Assert.Equal(10, admission.Limit); // ten calls on time add one: 10 -> 11 is reached just after the tenth
        admission.TryAdmit(Tier.Critical);
        admission.Release(TimeSpan.FromMilliseconds(50), succeeded: true);
        Assert.Equal(11, admission.Limit);

        admission.TryAdmit(Tier.Critical);
        admission.Release(TimeSpan.FromSeconds(1), succeeded: true); // slow: x 0.9
        Assert.Equal(9, admission.Limit);
        for (var i = 0; i < 20; i++)
        {
            admission.TryAdmit(Tier.Critical);
            admission.Release(TimeSpan.Zero, succeeded: false);
        }
        Assert.Equal(5, admission.Limit); // never below MinLimit
    }

    [Theory]
    [InlineData("OptionalShare", 0.9, "Orchestrator:Admission:OptionalShare (0.9) must not be above ImportantShare (0.8)")]
    [InlineData("Limit", 0, "Orchestrator:Admission:Limit must be at least 1, not 0")]
    [InlineData("DecreaseFactor", 1.0, "Orchestrator:Admission:DecreaseFactor must be in (0, 1), not 1")]
    public void Bad_admission_settings_are_refused_naming_them(string setting, double value, string expected)
    {
        var options = new OrchestratorOptions();
        var property = typeof(AdmissionOptions).GetProperty(setting)!;
        property.SetValue(options.Admission, property.PropertyType == typeof(int) ? (object)(int)value : value);
        Assert.Contains(options.GetErrors(), e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
