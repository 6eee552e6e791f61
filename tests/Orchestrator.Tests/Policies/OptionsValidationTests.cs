using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

public sealed class OptionsValidationTests
{
    private const string Payments = "Orchestrator:Dependencies:payments";

    private static OrchestratorOptions With(Action<DependencyOptions> configure) =>
        new OrchestratorOptions().AddDependency("payments", configure);

    private static string SingleError(OrchestratorOptions options) => Assert.Single(options.GetErrors());

    // ----- defaults -----

    [Fact]
    public void Options_with_no_dependencies_are_valid()
    {
        var options = new OrchestratorOptions();
        Assert.Empty(options.GetErrors());
        Assert.Same(options, options.Validate());
    }

    [Fact]
    public void A_dependency_with_default_settings_is_valid()
    {
        var options = new OrchestratorOptions().AddDependency("payments").AddDependency("inventory-v2.eu_west");
        Assert.Empty(options.GetErrors());
        Assert.Same(options, options.Validate());
    }

    [Fact]
    public void A_probe_timeout_must_be_positive_and_defaults_to_the_dependency_timeout()
    {
        var dependency = new DependencyOptions { Timeout = TimeSpan.FromSeconds(3) };
        Assert.Null(dependency.Probe);
        Assert.Null(dependency.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), dependency.EffectiveProbeTimeout);

        var error = SingleError(With(d => d.ProbeTimeout = TimeSpan.Zero));
        Assert.Contains($"{Payments}:ProbeTimeout", error);
        Assert.Contains("00:00:00", error);
        Assert.Empty(With(d =>
        {
            d.ProbeTimeout = TimeSpan.FromMilliseconds(500);
            d.Probe = _ => Task.CompletedTask;
        }).GetErrors());
    }

    [Fact]
    public void The_documented_defaults_hold()
    {
        var dependency = new DependencyOptions();
        Assert.Equal(TimeSpan.FromSeconds(5), dependency.Timeout);

        var breaker = dependency.Breaker;
        Assert.Equal(5, breaker.FailureThreshold);
        Assert.Equal(0.5, breaker.FailureRatio);
        Assert.Equal(10, breaker.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(30), breaker.SamplingWindow);
        Assert.Null(breaker.SlowCallDuration);
        Assert.Equal(0.8, breaker.SlowCallRatio);
        Assert.Equal(TimeSpan.FromSeconds(60), breaker.ResetTimeout);
        Assert.Equal(1.0, breaker.ResetTimeoutMultiplier);
        Assert.Equal(TimeSpan.FromMinutes(10), breaker.MaxResetTimeout);
        Assert.Equal(1, breaker.HalfOpenProbes);
        Assert.Empty(breaker.HandledExceptions);
        Assert.Empty(breaker.IgnoredExceptions);
        Assert.Null(breaker.ShouldHandle);

        Assert.Equal(10, dependency.Bulkhead.MaxConcurrency);
        Assert.Equal(20, dependency.Bulkhead.QueueCapacity);
        Assert.Null(dependency.Bulkhead.DedicatedThreads);
    }

    [Fact]
    public void AddDependency_declares_once_and_configures_again()
    {
        var options = new OrchestratorOptions()
            .AddDependency("payments", d => d.Timeout = TimeSpan.FromSeconds(2))
            .AddDependency("payments", d => d.Bulkhead.MaxConcurrency = 3);

        var payments = Assert.Single(options.Dependencies).Value;
        Assert.Equal(TimeSpan.FromSeconds(2), payments.Timeout);
        Assert.Equal(3, payments.Bulkhead.MaxConcurrency);
    }

    // ----- one bad value each: the error names the setting path and the bad value -----

    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(-1, "-00:00:01")]
    public void A_timeout_that_is_not_positive_is_an_error(int seconds, string shown)
    {
        var error = SingleError(With(d => d.Timeout = TimeSpan.FromSeconds(seconds)));
        Assert.StartsWith($"{Payments}:Timeout", error);
        Assert.Contains(shown, error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void MaxConcurrency_below_one_is_an_error(int value)
    {
        var error = SingleError(With(d => d.Bulkhead.MaxConcurrency = value));
        Assert.StartsWith($"{Payments}:Bulkhead:MaxConcurrency", error);
        Assert.Contains($"not {value}", error);
    }

    [Fact]
    public void A_negative_queue_capacity_is_an_error_and_zero_is_fine()
    {
        var error = SingleError(With(d => d.Bulkhead.QueueCapacity = -1));
        Assert.StartsWith($"{Payments}:Bulkhead:QueueCapacity", error);
        Assert.Contains("-1", error);

        Assert.Empty(With(d => d.Bulkhead.QueueCapacity = 0).GetErrors());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void DedicatedThreads_out_of_range_is_an_error(int value)
    {
        var error = SingleError(With(d => d.Bulkhead.DedicatedThreads = value));
        Assert.StartsWith($"{Payments}:Bulkhead:DedicatedThreads", error);
        Assert.Contains(value.ToString(), error);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(256)]
    public void DedicatedThreads_in_range_is_fine(int value) =>
        Assert.Empty(With(d => d.Bulkhead.DedicatedThreads = value).GetErrors());

    [Theory]
    [InlineData("PermitsPerPeriod", -1, "must be between 0 (no limit) and 1000000, not -1")]
    [InlineData("PermitsPerPeriod", 1_000_001, "not 1000001")]
    [InlineData("Burst", 3, "Burst (3) must not be below PermitsPerPeriod (5)")]
    [InlineData("Burst", 0, "Burst must be between 1 and 1000000, or empty (PermitsPerPeriod), not 0")]
    [InlineData("Segments", 0, "Segments must be between 1 and 1000, not 0")]
    [InlineData("QueueLimit", -2, "QueueLimit must be between 0 (none wait) and 100000, not -2")]
    public void A_rate_limit_out_of_range_is_an_error_naming_the_setting(string setting, int value, string expected)
    {
        var error = SingleError(With(d =>
        {
            d.RateLimit.PermitsPerPeriod = 5;
            switch (setting)
            {
                case "PermitsPerPeriod": d.RateLimit.PermitsPerPeriod = value; break;
                case "Burst": d.RateLimit.Burst = value; break;
                case "Segments": d.RateLimit.Segments = value; break;
                default: d.RateLimit.QueueLimit = value; break;
            }
        }));
        Assert.StartsWith($"{Payments}:RateLimit:{setting}", error);
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3_600_001)]
    public void A_rate_limit_period_outside_1_ms_to_1_h_is_an_error(int milliseconds)
    {
        var error = SingleError(With(d => d.RateLimit.Period = TimeSpan.FromMilliseconds(milliseconds)));
        Assert.StartsWith($"{Payments}:RateLimit:Period must be between 1 ms and 1 h", error);
    }

    [Fact]
    public void A_burst_on_a_sliding_window_is_an_error_saying_what_to_do()
    {
        var error = SingleError(With(d =>
        {
            d.RateLimit.PermitsPerPeriod = 5;
            d.RateLimit.Burst = 10;
            d.RateLimit.Algorithm = RateLimitAlgorithm.SlidingWindow;
        }));
        Assert.Equal($"{Payments}:RateLimit:Burst applies to the token bucket only; a sliding window holds PermitsPerPeriod. Remove it, or set Algorithm to TokenBucket.", error);
    }

    [Fact]
    public void Segments_cutting_the_period_below_1_ms_is_an_error()
    {
        var error = SingleError(With(d =>
        {
            d.RateLimit.PermitsPerPeriod = 5;
            d.RateLimit.Period = TimeSpan.FromMilliseconds(10);
            d.RateLimit.Algorithm = RateLimitAlgorithm.SlidingWindow;
            d.RateLimit.Segments = 20;
        }));
        Assert.Contains("Segments (20) cuts the Period (00:00:00.0100000) into pieces shorter than 1 ms", error);
    }

    // ----- hedging -----

    [Fact]
    public void Hedging_is_off_by_default_and_a_valid_setting_is_fine()
    {
        var hedging = new DependencyOptions().Hedging;
        Assert.Equal((false, 0, TimeSpan.FromSeconds(1), null, HedgeTarget.Primary), (hedging.Enabled, hedging.MaxHedges, hedging.Delay, hedging.Percentile, hedging.Target));
        Assert.Empty(With(d =>
        {
            d.Hedging.MaxHedges = 2;
            d.Hedging.Delay = TimeSpan.Zero; // every hedge at once
            d.Hedging.Percentile = 99.9;
        }).GetErrors());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void MaxHedges_outside_0_to_10_is_an_error_naming_it(int maxHedges)
    {
        var error = SingleError(With(d => d.Hedging.MaxHedges = maxHedges));
        Assert.Equal($"{Payments}:Hedging:MaxHedges must be between 0 (no hedging) and 10, not {maxHedges}.", error);
    }

    [Fact]
    public void A_negative_hedge_delay_is_an_error()
    {
        var error = SingleError(With(d => d.Hedging.Delay = TimeSpan.FromMilliseconds(-1)));
        Assert.StartsWith($"{Payments}:Hedging:Delay must be between 0 and ", error);
        Assert.EndsWith("not -00:00:00.0010000.", error);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(100)]
    [InlineData(double.NaN)]
    public void A_percentile_outside_1_to_99_9_is_an_error(double percentile)
    {
        var error = SingleError(With(d => d.Hedging.Percentile = percentile));
        Assert.StartsWith($"{Payments}:Hedging:Percentile must be between 1 and 99.9, or empty (the fixed Delay), not ", error);
    }

    [Fact]
    public void Hedging_to_the_replica_without_a_replica_is_an_error_saying_what_to_do()
    {
        var error = SingleError(With(d => d.Hedging.Target = HedgeTarget.Replica));
        Assert.Equal($"{Payments}:Hedging:Target is Replica, but {Payments}:Replica names no replica: set Replica, or Target to Primary.", error);
        Assert.Contains("Target must be Primary or Replica, not 7", SingleError(With(d => d.Hedging.Target = (HedgeTarget)7)));
    }

    [Fact]
    public void A_rate_limit_is_off_by_default_and_a_valid_one_is_fine()
    {
        Assert.False(new DependencyOptions().RateLimit.Enabled);
        Assert.Empty(With(d =>
        {
            d.RateLimit.PermitsPerPeriod = 100;
            d.RateLimit.Burst = 150;
            d.RateLimit.QueueLimit = 50;
        }).GetErrors());
    }

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(0.0, "0")]
    [InlineData(-0.2, "-0.2")]
    [InlineData(double.NaN, "NaN")]
    public void A_failure_ratio_outside_zero_to_one_is_an_error(double value, string shown)
    {
        var error = SingleError(With(d => d.Breaker.FailureRatio = value));
        Assert.StartsWith($"{Payments}:Breaker:FailureRatio", error);
        Assert.Contains($"not {shown}", error);
    }

    [Fact]
    public void A_failure_ratio_of_one_is_fine() =>
        Assert.Empty(With(d => d.Breaker.FailureRatio = 1.0).GetErrors());

    [Fact]
    public void A_negative_failure_threshold_is_an_error()
    {
        var error = SingleError(With(d => d.Breaker.FailureThreshold = -1));
        Assert.StartsWith($"{Payments}:Breaker:FailureThreshold", error);
        Assert.Contains("-1", error);
    }

    [Fact]
    public void A_minimum_throughput_below_one_is_an_error()
    {
        var error = SingleError(With(d => d.Breaker.MinimumThroughput = 0));
        Assert.StartsWith($"{Payments}:Breaker:MinimumThroughput", error);
        Assert.Contains("not 0", error);
    }

    [Fact]
    public void A_sampling_window_that_is_not_positive_is_an_error()
    {
        var error = SingleError(With(d => d.Breaker.SamplingWindow = TimeSpan.Zero));
        Assert.StartsWith($"{Payments}:Breaker:SamplingWindow", error);
        Assert.Contains("00:00:00", error);
    }

    [Fact]
    public void A_slow_call_duration_that_is_not_positive_is_an_error()
    {
        var error = SingleError(With(d => d.Breaker.SlowCallDuration = TimeSpan.FromSeconds(-2)));
        Assert.StartsWith($"{Payments}:Breaker:SlowCallDuration", error);
        Assert.Contains("-00:00:02", error);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.01)]
    public void A_slow_call_ratio_outside_zero_to_one_is_an_error(double value)
    {
        var error = SingleError(With(d => d.Breaker.SlowCallRatio = value));
        Assert.StartsWith($"{Payments}:Breaker:SlowCallRatio", error);
        Assert.Contains($"not {value}", error);
    }

    [Fact]
    public void A_reset_timeout_that_is_not_positive_is_an_error()
    {
        var errors = With(d => d.Breaker.ResetTimeout = TimeSpan.Zero).GetErrors();
        var error = Assert.Single(errors, e => e.StartsWith($"{Payments}:Breaker:ResetTimeout", StringComparison.Ordinal));
        Assert.Contains("00:00:00", error);
    }

    [Fact]
    public void A_reset_timeout_multiplier_below_one_is_an_error()
    {
        var error = SingleError(With(d => d.Breaker.ResetTimeoutMultiplier = 0.5));
        Assert.StartsWith($"{Payments}:Breaker:ResetTimeoutMultiplier", error);
        Assert.Contains("0.5", error);
    }

    [Fact]
    public void A_max_reset_timeout_shorter_than_the_reset_timeout_is_an_error()
    {
        var error = SingleError(With(d =>
        {
            d.Breaker.ResetTimeout = TimeSpan.FromSeconds(90);
            d.Breaker.MaxResetTimeout = TimeSpan.FromSeconds(30);
        }));
        Assert.StartsWith($"{Payments}:Breaker:MaxResetTimeout", error);
        Assert.Contains("00:00:30", error);
        Assert.Contains("00:01:30", error);
    }

    [Fact]
    public void A_max_reset_timeout_equal_to_the_reset_timeout_is_fine() =>
        Assert.Empty(With(d => d.Breaker.MaxResetTimeout = d.Breaker.ResetTimeout).GetErrors());

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Half_open_probes_below_one_is_an_error(int value)
    {
        var error = SingleError(With(d => d.Breaker.HalfOpenProbes = value));
        Assert.StartsWith($"{Payments}:Breaker:HalfOpenProbes", error);
        Assert.Contains($"not {value}", error);
    }

    [Fact]
    public void Turning_every_breaker_rule_off_is_an_error()
    {
        var error = SingleError(With(d =>
        {
            d.Breaker.FailureThreshold = 0;
            d.Breaker.FailureRatio = null;
            d.Breaker.SlowCallDuration = null;
        }));
        Assert.StartsWith($"{Payments}:Breaker", error);
        Assert.Contains("FailureThreshold 0", error);
        Assert.Contains("never open", error);
    }

    [Theory]
    [InlineData(0, null, 1)]
    [InlineData(0, 0.5, null)]
    [InlineData(3, null, null)]
    public void Any_one_breaker_rule_on_is_enough(int threshold, double? ratio, int? slowSeconds) =>
        Assert.Empty(With(d =>
        {
            d.Breaker.FailureThreshold = threshold;
            d.Breaker.FailureRatio = ratio;
            d.Breaker.SlowCallDuration = slowSeconds is { } s ? TimeSpan.FromSeconds(s) : null;
        }).GetErrors());

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_exception_type_name_is_an_error(string name)
    {
        var handled = SingleError(With(d => d.Breaker.HandledExceptions.Add(name)));
        Assert.StartsWith($"{Payments}:Breaker", handled);
        Assert.Contains("HandledExceptions", handled);

        var ignored = SingleError(With(d => d.Breaker.IgnoredExceptions.Add(name)));
        Assert.StartsWith($"{Payments}:Breaker", ignored);
    }

    [Fact]
    public void Missing_breaker_or_bulkhead_sections_are_errors()
    {
        var errors = With(d => { d.Breaker = null!; d.Bulkhead = null!; }).GetErrors();
        Assert.Contains($"{Payments}:Breaker is missing.", errors);
        Assert.Contains($"{Payments}:Bulkhead is missing.", errors);
    }

    [Fact]
    public void A_null_dependency_or_dependency_map_is_an_error()
    {
        var options = new OrchestratorOptions();
        options.Dependencies["payments"] = null!;
        Assert.Equal($"{Payments} is empty.", SingleError(options));

        Assert.Equal("Orchestrator:Dependencies is missing.", SingleError(new OrchestratorOptions { Dependencies = null! }));
    }

    // ----- names -----

    [Theory]
    [InlineData("pay ments")]
    [InlineData("-payments")]
    [InlineData(".hidden")]
    [InlineData("pay/ments")]
    [InlineData("zahlungen$")]
    [InlineData("")]
    public void A_bad_dependency_name_is_an_error_naming_it(string name)
    {
        var options = new OrchestratorOptions().AddDependency(name);

        var error = SingleError(options);

        Assert.StartsWith($"Orchestrator:Dependencies:{name}", error);
        Assert.Contains($"'{name}'", error);
    }

    [Fact]
    public void A_name_longer_than_64_characters_is_an_error_and_64_is_fine()
    {
        Assert.Empty(new OrchestratorOptions().AddDependency(new string('a', 64)).GetErrors());
        var tooLong = new string('a', 65);
        Assert.Contains(tooLong, SingleError(new OrchestratorOptions().AddDependency(tooLong)));
    }

    [Theory]
    [InlineData("payments")]
    [InlineData("Payments2")]
    [InlineData("9lives")]
    [InlineData("a.b-c_d")]
    public void Good_dependency_names_are_accepted(string name) =>
        Assert.Empty(new OrchestratorOptions().AddDependency(name).GetErrors());

    [Fact]
    public void Two_names_differing_only_by_case_are_an_error()
    {
        var options = new OrchestratorOptions().AddDependency("payments").AddDependency("Payments");
        Assert.Equal(2, options.Dependencies.Count);

        var error = SingleError(options);

        Assert.StartsWith("Orchestrator:Dependencies:Payments", error);
        Assert.Contains("'Payments'", error);
        Assert.Contains("case", error);
    }

    // ----- several errors, and Validate -----

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var options = new OrchestratorOptions()
            .AddDependency("payments", d =>
            {
                d.Timeout = TimeSpan.Zero;
                d.Bulkhead.MaxConcurrency = 0;
                d.Breaker.HalfOpenProbes = 0;
            })
            .AddDependency("pay ments");

        var errors = options.GetErrors();

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith($"{Payments}:Timeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"{Payments}:Bulkhead:MaxConcurrency", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"{Payments}:Breaker:HalfOpenProbes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Orchestrator:Dependencies:pay ments", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_throws_an_exception_listing_every_error()
    {
        var options = new OrchestratorOptions()
            .AddDependency("payments", d =>
            {
                d.Bulkhead.QueueCapacity = -1;
                d.Breaker.FailureRatio = 1.5;
            })
            .AddDependency("inventory", d => d.Breaker.ResetTimeout = TimeSpan.FromSeconds(-5));

        var e = Assert.Throws<OrchestratorOptionsException>(() => options.Validate());

        Assert.Equal(options.GetErrors(), e.Errors);
        Assert.True(e.Errors.Count >= 3);
        foreach (var error in e.Errors) Assert.Contains(error, e.Message);
        Assert.Contains("Orchestrator:Dependencies:payments:Bulkhead:QueueCapacity", e.Message);
        Assert.Contains("Orchestrator:Dependencies:payments:Breaker:FailureRatio", e.Message);
        Assert.Contains("Orchestrator:Dependencies:inventory:Breaker:ResetTimeout", e.Message);
        Assert.Contains("1.5", e.Message);
        Assert.StartsWith("Invalid orchestrator options:", e.Message);
    }

    [Fact]
    public void Validate_throws_for_a_single_error_too()
    {
        var options = With(d => d.Bulkhead.MaxConcurrency = 0);

        var e = Assert.Throws<OrchestratorOptionsException>(() => options.Validate());

        var error = Assert.Single(e.Errors);
        Assert.StartsWith("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency", error);
        Assert.Contains(error, e.Message);
    }

    // ----- which exceptions count -----

    private sealed class PaymentDeclinedException(string message) : InvalidOperationException(message);

    [Fact]
    public void By_default_every_exception_counts_but_the_callers_own_faults()
    {
        var options = new CircuitBreakerOptions();
        Assert.True(options.Handles(new HttpRequestException()));
        Assert.True(options.Handles(new TimeoutException()));
        Assert.True(options.Handles(new InvalidOperationException()));
        Assert.True(options.Handles(new HttpRequestException("down", null, System.Net.HttpStatusCode.ServiceUnavailable)));
        Assert.True(options.Handles(new HttpRequestException("slow", null, System.Net.HttpStatusCode.RequestTimeout)));
        Assert.True(options.Handles(new HttpRequestException("busy", null, System.Net.HttpStatusCode.TooManyRequests)));
        Assert.True(options.Handles(new TaskCanceledException("HttpClient.Timeout", new TimeoutException())));

        // The caller's own faults say nothing about the dependency.
        Assert.False(options.Handles(new ArgumentException()));
        Assert.False(options.Handles(new ArgumentOutOfRangeException()));
        Assert.False(options.Handles(new HttpRequestException("no such product", null, System.Net.HttpStatusCode.NotFound)));
        Assert.False(options.Handles(new HttpRequestException("id too long", null, System.Net.HttpStatusCode.RequestUriTooLong)));
        Assert.False(options.Handles(new HttpRequestException("bad", null, System.Net.HttpStatusCode.BadRequest)));
        Assert.False(options.Handles(new OperationCanceledException()));
        Assert.False(options.Handles(new System.ComponentModel.DataAnnotations.ValidationException("quantity must be positive")));
    }

    [Fact]
    public void A_handled_list_or_a_predicate_overrides_the_callers_fault_defaults()
    {
        Assert.True(new CircuitBreakerOptions { HandledExceptions = ["System.ArgumentException"] }.Handles(new ArgumentException()));
        Assert.True(new CircuitBreakerOptions { ShouldHandle = _ => true }.Handles(new HttpRequestException("x", null, System.Net.HttpStatusCode.NotFound)));
    }

    [Fact]
    public void Only_handled_exceptions_count_when_the_list_is_set()
    {
        var options = new CircuitBreakerOptions { HandledExceptions = ["System.Net.Http.HttpRequestException", "System.TimeoutException"] };

        Assert.True(options.Handles(new HttpRequestException()));
        Assert.True(options.Handles(new TimeoutException()));
        Assert.False(options.Handles(new ArgumentException()));
        Assert.False(options.Handles(new InvalidOperationException()));
    }

    [Fact]
    public void A_handled_base_type_covers_derived_exceptions()
    {
        var options = new CircuitBreakerOptions { HandledExceptions = ["System.IO.IOException"] };

        Assert.True(options.Handles(new IOException()));
        Assert.True(options.Handles(new FileNotFoundException()));
        Assert.True(options.Handles(new DirectoryNotFoundException()));
        Assert.False(options.Handles(new Exception()));
    }

    [Fact]
    public void A_nested_type_matches_by_its_full_name()
    {
        var options = new CircuitBreakerOptions { HandledExceptions = [typeof(PaymentDeclinedException).FullName!] };

        Assert.True(options.Handles(new PaymentDeclinedException("no")));
        Assert.False(options.Handles(new InvalidOperationException()));
    }

    [Fact]
    public void A_type_also_matches_by_its_short_name()
    {
        var options = new CircuitBreakerOptions { HandledExceptions = ["IOException"] };

        Assert.True(options.Handles(new FileNotFoundException()));
        Assert.False(options.Handles(new ArgumentException()));
    }

    [Fact]
    public void Ignored_exceptions_never_count_including_derived_ones()
    {
        var options = new CircuitBreakerOptions { IgnoredExceptions = ["System.ArgumentException"] };

        Assert.False(options.Handles(new ArgumentException()));
        Assert.False(options.Handles(new ArgumentNullException()));
        Assert.False(options.Handles(new ArgumentOutOfRangeException()));
        Assert.True(options.Handles(new HttpRequestException()));
    }

    [Fact]
    public void Ignored_wins_over_handled()
    {
        var options = new CircuitBreakerOptions
        {
            HandledExceptions = ["System.Exception"],
            IgnoredExceptions = ["System.InvalidOperationException"],
        };

        Assert.True(options.Handles(new HttpRequestException()));
        Assert.False(options.Handles(new InvalidOperationException()));
        Assert.False(options.Handles(new PaymentDeclinedException("no")));
    }

    [Fact]
    public void ShouldHandle_overrides_both_lists()
    {
        var options = new CircuitBreakerOptions
        {
            HandledExceptions = ["System.Net.Http.HttpRequestException"],
            IgnoredExceptions = ["System.ArgumentException"],
            ShouldHandle = e => e is ArgumentException || e.Message == "count me",
        };

        Assert.True(options.Handles(new ArgumentException()));
        Assert.False(options.Handles(new HttpRequestException()));
        Assert.True(options.Handles(new InvalidOperationException("count me")));
    }
}
