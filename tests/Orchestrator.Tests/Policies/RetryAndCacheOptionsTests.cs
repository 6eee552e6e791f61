using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

public sealed class RetryAndCacheOptionsTests
{
    private const string Payments = "Orchestrator:Dependencies:payments";

    private static OrchestratorOptions With(Action<DependencyOptions> configure) =>
        new OrchestratorOptions().AddDependency("payments", configure);

    private static string SingleError(OrchestratorOptions options) => Assert.Single(options.GetErrors());

    // ----- defaults -----

    [Fact]
    public void The_documented_retry_defaults_hold()
    {
        var retry = new DependencyOptions().Retry;
        Assert.Equal(1, retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(100), retry.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(2), retry.MaxDelay);
        Assert.Equal(0.1, retry.BudgetRatio);
        Assert.Equal(3, retry.BudgetFloor);
        Assert.Equal(TimeSpan.FromSeconds(10), retry.BudgetWindow);
        Assert.Empty(retry.RetryOn);
        Assert.Null(retry.ShouldRetry);
    }

    [Fact]
    public void The_documented_cache_defaults_hold()
    {
        var cache = new DependencyOptions().Cache;
        Assert.False(cache.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), cache.FreshFor);
        Assert.Equal(TimeSpan.FromMinutes(10), cache.StaleFor);
        Assert.Equal(1000, cache.MaxEntries);
        Assert.True(cache.StaleWhileRevalidate);
        Assert.True(cache.StaleOnError);
        Assert.Equal(10_000, cache.MaxWaiters);
        Assert.Null(new DependencyOptions().Replica);
    }

    [Fact]
    public void Default_retry_and_cache_settings_are_valid_whether_the_cache_is_on_or_off()
    {
        Assert.Empty(With(_ => { }).GetErrors());
        Assert.Empty(With(d => d.Cache.Enabled = true).GetErrors());
        Assert.Empty(With(d => d.Retry.MaxAttempts = 3).GetErrors());
    }

    [Fact]
    public void A_typical_retry_and_cache_setup_is_valid()
    {
        var options = With(d =>
        {
            d.Retry.MaxAttempts = 3;
            d.Retry.BaseDelay = TimeSpan.FromMilliseconds(50);
            d.Retry.MaxDelay = TimeSpan.FromSeconds(1);
            d.Retry.BudgetRatio = 0.2;
            d.Retry.BudgetFloor = 0;
            d.Retry.BudgetWindow = TimeSpan.FromSeconds(30);
            d.Retry.RetryOn.Add("System.InvalidOperationException");
            d.Cache.Enabled = true;
            d.Cache.FreshFor = TimeSpan.FromSeconds(5);
            d.Cache.StaleFor = TimeSpan.FromHours(1);
            d.Cache.MaxEntries = 1;
            d.Cache.MaxWaiters = 0;
        });
        Assert.Empty(options.GetErrors());
        Assert.Same(options, options.Validate());
    }

    // ----- retry: one bad value each -----

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(11)]
    [InlineData(100)]
    public void MaxAttempts_outside_one_to_ten_is_an_error(int value)
    {
        var error = SingleError(With(d => d.Retry.MaxAttempts = value));
        Assert.StartsWith($"{Payments}:Retry:MaxAttempts", error);
        Assert.Contains($"not {value}", error);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void MaxAttempts_of_one_to_ten_is_fine(int value) =>
        Assert.Empty(With(d => d.Retry.MaxAttempts = value).GetErrors());

    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(-1, "-00:00:01")]
    public void A_base_delay_that_is_not_positive_is_an_error(int seconds, string shown)
    {
        var error = SingleError(With(d => d.Retry.BaseDelay = TimeSpan.FromSeconds(seconds)));
        Assert.StartsWith($"{Payments}:Retry:BaseDelay", error);
        Assert.Contains($"not {shown}", error);
    }

    [Fact]
    public void A_max_delay_shorter_than_the_base_delay_is_an_error()
    {
        var error = SingleError(With(d =>
        {
            d.Retry.BaseDelay = TimeSpan.FromSeconds(1);
            d.Retry.MaxDelay = TimeSpan.FromMilliseconds(500);
        }));
        Assert.StartsWith($"{Payments}:Retry:MaxDelay", error);
        Assert.Contains("00:00:00.5", error);
        Assert.Contains("00:00:01", error);
        Assert.Contains("BaseDelay", error);
    }

    [Fact]
    public void A_max_delay_equal_to_the_base_delay_is_fine() =>
        Assert.Empty(With(d => d.Retry.MaxDelay = d.Retry.BaseDelay).GetErrors());

    [Theory]
    [InlineData(-1.0, "-1")]
    [InlineData(-0.01, "-0.01")]
    [InlineData(10.5, "10.5")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void A_budget_ratio_outside_zero_to_ten_is_an_error(double value, string shown)
    {
        var error = SingleError(With(d => d.Retry.BudgetRatio = value));
        Assert.StartsWith($"{Payments}:Retry:BudgetRatio", error);
        Assert.Contains($"not {shown}", error);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(10.0)]
    public void A_budget_ratio_from_zero_to_ten_is_fine(double value) =>
        Assert.Empty(With(d => d.Retry.BudgetRatio = value).GetErrors());

    [Fact]
    public void A_negative_budget_floor_is_an_error_and_zero_is_fine()
    {
        var error = SingleError(With(d => d.Retry.BudgetFloor = -1));
        Assert.StartsWith($"{Payments}:Retry:BudgetFloor", error);
        Assert.Contains("not -1", error);

        Assert.Empty(With(d => d.Retry.BudgetFloor = 0).GetErrors());
    }

    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(-5, "-00:00:05")]
    public void A_budget_window_that_is_not_positive_is_an_error(int seconds, string shown)
    {
        var error = SingleError(With(d => d.Retry.BudgetWindow = TimeSpan.FromSeconds(seconds)));
        Assert.StartsWith($"{Payments}:Retry:BudgetWindow", error);
        Assert.Contains($"not {shown}", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_retry_on_entry_is_an_error(string name)
    {
        var error = SingleError(With(d => d.Retry.RetryOn = ["System.InvalidOperationException", name]));
        Assert.StartsWith($"{Payments}:Retry:RetryOn", error);
        Assert.Contains("empty", error);
    }

    [Fact]
    public void Each_empty_retry_on_entry_is_reported()
    {
        var errors = With(d => d.Retry.RetryOn = ["", "System.IO.IOException", " "]).GetErrors();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.StartsWith($"{Payments}:Retry:RetryOn", e));
    }

    [Fact]
    public void A_missing_retry_section_is_an_error()
    {
        Assert.Equal($"{Payments}:Retry is missing.", SingleError(With(d => d.Retry = null!)));
    }

    // ----- cache: one bad value each -----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_negative_fresh_time_is_an_error(bool enabled)
    {
        var error = SingleError(With(d =>
        {
            d.Cache.Enabled = enabled;
            d.Cache.FreshFor = TimeSpan.FromSeconds(-1);
        }));
        Assert.StartsWith($"{Payments}:Cache:FreshFor", error);
        Assert.Contains("not -00:00:01", error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_negative_stale_time_is_an_error(bool enabled)
    {
        var error = SingleError(With(d =>
        {
            d.Cache.Enabled = enabled;
            d.Cache.StaleFor = TimeSpan.FromSeconds(-1);
        }));
        Assert.StartsWith($"{Payments}:Cache:StaleFor", error);
        Assert.Contains("not -00:00:01", error);
    }

    [Fact]
    public void Fresh_and_stale_times_both_zero_are_an_error_when_the_cache_is_on()
    {
        var error = SingleError(With(d =>
        {
            d.Cache.Enabled = true;
            d.Cache.FreshFor = TimeSpan.Zero;
            d.Cache.StaleFor = TimeSpan.Zero;
        }));
        Assert.StartsWith($"{Payments}:Cache", error);
        Assert.Contains("FreshFor", error);
        Assert.Contains("StaleFor", error);
        Assert.Contains("0", error);
    }

    [Fact]
    public void Fresh_and_stale_times_both_zero_are_fine_when_the_cache_is_off() =>
        Assert.Empty(With(d =>
        {
            d.Cache.FreshFor = TimeSpan.Zero;
            d.Cache.StaleFor = TimeSpan.Zero;
        }).GetErrors());

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public void Either_time_alone_may_be_zero(int freshSeconds, int staleSeconds) =>
        Assert.Empty(With(d =>
        {
            d.Cache.Enabled = true;
            d.Cache.FreshFor = TimeSpan.FromSeconds(freshSeconds);
            d.Cache.StaleFor = TimeSpan.FromSeconds(staleSeconds);
        }).GetErrors());

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void MaxEntries_below_one_is_an_error(int value)
    {
        var error = SingleError(With(d => d.Cache.MaxEntries = value));
        Assert.StartsWith($"{Payments}:Cache:MaxEntries", error);
        Assert.Contains($"not {value}", error);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1_000_001)]
    public void MaxWaiters_outside_zero_to_a_million_is_an_error(int value)
    {
        var error = SingleError(With(d => d.Cache.MaxWaiters = value));
        Assert.StartsWith($"{Payments}:Cache:MaxWaiters", error);
        Assert.Contains($"not {value}", error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000_000)]
    public void MaxWaiters_from_zero_to_a_million_is_fine(int value) =>
        Assert.Empty(With(d => d.Cache.MaxWaiters = value).GetErrors());

    [Fact]
    public void A_missing_cache_section_is_an_error()
    {
        Assert.Equal($"{Payments}:Cache is missing.", SingleError(With(d => d.Cache = null!)));
    }

    // ----- replica -----

    [Fact]
    public void A_replica_that_is_a_declared_dependency_is_fine()
    {
        var options = new OrchestratorOptions()
            .AddDependency("x", d => d.Replica = "x-replica")
            .AddDependency("x-replica");
        Assert.Empty(options.GetErrors());
    }

    [Fact]
    public void A_replica_that_is_not_declared_is_an_error()
    {
        var options = new OrchestratorOptions()
            .AddDependency("x", d => d.Replica = "ghost")
            .AddDependency("y");

        var error = SingleError(options);

        Assert.StartsWith("Orchestrator:Dependencies:x:Replica", error);
        Assert.Contains("'ghost'", error);
        Assert.Contains("not a declared dependency", error);
        Assert.Contains("x, y", error);
    }

    [Fact]
    public void A_replica_whose_name_differs_only_by_case_is_not_declared()
    {
        var options = new OrchestratorOptions()
            .AddDependency("x", d => d.Replica = "Replica")
            .AddDependency("replica");

        var error = SingleError(options);

        Assert.StartsWith("Orchestrator:Dependencies:x:Replica", error);
        Assert.Contains("'Replica'", error);
    }

    [Fact]
    public void A_replica_naming_the_dependency_itself_is_an_error()
    {
        var error = SingleError(new OrchestratorOptions().AddDependency("x", d => d.Replica = "x"));

        Assert.StartsWith("Orchestrator:Dependencies:x:Replica", error);
        Assert.Contains("itself", error);
        Assert.Contains("'x'", error);
    }

    // ----- several errors, and Validate -----

    [Fact]
    public void Every_retry_and_cache_problem_is_reported_not_just_the_first()
    {
        var options = With(d =>
        {
            d.Retry.MaxAttempts = 0;
            d.Retry.BaseDelay = TimeSpan.Zero;
            d.Retry.BudgetRatio = double.NaN;
            d.Retry.BudgetFloor = -1;
            d.Retry.BudgetWindow = TimeSpan.Zero;
            d.Retry.RetryOn.Add("");
            d.Cache.FreshFor = TimeSpan.FromSeconds(-1);
            d.Cache.StaleFor = TimeSpan.FromSeconds(-1);
            d.Cache.MaxEntries = 0;
            d.Cache.MaxWaiters = -1;
            d.Replica = "ghost";
        });

        var errors = options.GetErrors();

        Assert.Equal(11, errors.Count);
        foreach (var setting in new[]
                 {
                     "Retry:MaxAttempts", "Retry:BaseDelay", "Retry:BudgetRatio", "Retry:BudgetFloor", "Retry:BudgetWindow",
                     "Retry:RetryOn", "Cache:FreshFor", "Cache:StaleFor", "Cache:MaxEntries", "Cache:MaxWaiters", "Replica",
                 })
            Assert.Contains(errors, e => e.StartsWith($"{Payments}:{setting}", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_throws_listing_the_retry_and_cache_errors()
    {
        var options = With(d =>
        {
            d.Retry.MaxAttempts = 11;
            d.Cache.MaxEntries = 0;
        });

        var e = Assert.Throws<OrchestratorOptionsException>(() => options.Validate());

        Assert.Equal(2, e.Errors.Count);
        Assert.Contains($"{Payments}:Retry:MaxAttempts", e.Message);
        Assert.Contains("not 11", e.Message);
        Assert.Contains($"{Payments}:Cache:MaxEntries", e.Message);
        Assert.Contains("not 0", e.Message);
    }

    // ----- very long times -----

    [Fact]
    public void A_fresh_time_of_max_value_does_not_break_validation()
    {
        var options = With(d =>
        {
            d.Cache.Enabled = true;
            d.Cache.FreshFor = TimeSpan.MaxValue;
        });

        var errors = options.GetErrors(); // must not throw

        Assert.All(errors, e => Assert.StartsWith($"{Payments}:Cache", e));
    }
}
