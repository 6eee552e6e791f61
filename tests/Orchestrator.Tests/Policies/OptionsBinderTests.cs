using Microsoft.Extensions.Configuration;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

public sealed class OptionsBinderTests
{
    private static IConfigurationSection Section(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value)))
            .Build()
            .GetSection(OrchestratorOptions.SectionName);

    [Fact]
    public void An_empty_section_gives_default_options()
    {
        var options = OrchestratorOptionsBinder.Bind(Section());

        Assert.Empty(options.Dependencies);
        Assert.Empty(options.GetErrors());
    }

    [Fact]
    public void Null_configuration_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => OrchestratorOptionsBinder.Bind(null!));
    }

    [Fact]
    public void Binds_dependencies_with_timespans_and_nested_breaker_and_bulkhead_sections()
    {
        var options = OrchestratorOptionsBinder.Bind(Section(
            ("Orchestrator:Dependencies:payments:Timeout", "00:00:02.500"),
            ("Orchestrator:Dependencies:payments:Breaker:FailureThreshold", "3"),
            ("Orchestrator:Dependencies:payments:Breaker:FailureRatio", "0.25"),
            ("Orchestrator:Dependencies:payments:Breaker:MinimumThroughput", "20"),
            ("Orchestrator:Dependencies:payments:Breaker:SamplingWindow", "00:01:00"),
            ("Orchestrator:Dependencies:payments:Breaker:SlowCallDuration", "00:00:01"),
            ("Orchestrator:Dependencies:payments:Breaker:SlowCallRatio", "0.9"),
            ("Orchestrator:Dependencies:payments:Breaker:ResetTimeout", "00:00:15"),
            ("Orchestrator:Dependencies:payments:Breaker:ResetTimeoutMultiplier", "2"),
            ("Orchestrator:Dependencies:payments:Breaker:MaxResetTimeout", "00:05:00"),
            ("Orchestrator:Dependencies:payments:Breaker:HalfOpenProbes", "2"),
            ("Orchestrator:Dependencies:payments:Breaker:HandledExceptions:0", "System.Net.Http.HttpRequestException"),
            ("Orchestrator:Dependencies:payments:Breaker:HandledExceptions:1", "System.TimeoutException"),
            ("Orchestrator:Dependencies:payments:Breaker:IgnoredExceptions:0", "System.ArgumentException"),
            ("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency", "4"),
            ("Orchestrator:Dependencies:payments:Bulkhead:QueueCapacity", "0"),
            ("Orchestrator:Dependencies:payments:Bulkhead:DedicatedThreads", "2"),
            ("Orchestrator:Dependencies:inventory:Timeout", "1.00:00:00")));

        Assert.Equal(2, options.Dependencies.Count);

        var payments = options.Dependencies["payments"];
        Assert.Equal(TimeSpan.FromMilliseconds(2500), payments.Timeout);
        Assert.Equal(3, payments.Breaker.FailureThreshold);
        Assert.Equal(0.25, payments.Breaker.FailureRatio);
        Assert.Equal(20, payments.Breaker.MinimumThroughput);
        Assert.Equal(TimeSpan.FromMinutes(1), payments.Breaker.SamplingWindow);
        Assert.Equal(TimeSpan.FromSeconds(1), payments.Breaker.SlowCallDuration);
        Assert.Equal(0.9, payments.Breaker.SlowCallRatio);
        Assert.Equal(TimeSpan.FromSeconds(15), payments.Breaker.ResetTimeout);
        Assert.Equal(2.0, payments.Breaker.ResetTimeoutMultiplier);
        Assert.Equal(TimeSpan.FromMinutes(5), payments.Breaker.MaxResetTimeout);
        Assert.Equal(2, payments.Breaker.HalfOpenProbes);
        Assert.Equal(["System.Net.Http.HttpRequestException", "System.TimeoutException"], payments.Breaker.HandledExceptions);
        Assert.Equal(["System.ArgumentException"], payments.Breaker.IgnoredExceptions);
        Assert.Equal(4, payments.Bulkhead.MaxConcurrency);
        Assert.Equal(0, payments.Bulkhead.QueueCapacity);
        Assert.Equal(2, payments.Bulkhead.DedicatedThreads);

        // A dependency that sets only its timeout keeps every other default.
        var inventory = options.Dependencies["inventory"];
        Assert.Equal(TimeSpan.FromDays(1), inventory.Timeout);
        Assert.Equal(5, inventory.Breaker.FailureThreshold);
        Assert.Equal(TimeSpan.FromSeconds(60), inventory.Breaker.ResetTimeout);
        Assert.Equal(10, inventory.Bulkhead.MaxConcurrency);
        Assert.Equal(20, inventory.Bulkhead.QueueCapacity);

        Assert.Empty(options.GetErrors());
    }

    [Fact]
    public void Settings_left_out_keep_their_defaults()
    {
        var options = OrchestratorOptionsBinder.Bind(Section(("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency", "2")));

        var payments = Assert.Single(options.Dependencies).Value;
        Assert.Equal(2, payments.Bulkhead.MaxConcurrency);
        Assert.Equal(20, payments.Bulkhead.QueueCapacity);
        Assert.Equal(TimeSpan.FromSeconds(5), payments.Timeout);
        Assert.Equal(0.5, payments.Breaker.FailureRatio);
        Assert.Empty(payments.Breaker.HandledExceptions);
    }

    [Fact]
    public void Bound_values_are_validated_separately_with_the_setting_path()
    {
        var options = OrchestratorOptionsBinder.Bind(Section(
            ("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency", "0"),
            ("Orchestrator:Dependencies:payments:Breaker:FailureRatio", "1.5")));

        var e = Assert.Throws<OrchestratorOptionsException>(() => options.Validate());
        Assert.Contains(e.Errors, x => x.StartsWith("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency", StringComparison.Ordinal) && x.Contains("not 0"));
        Assert.Contains(e.Errors, x => x.StartsWith("Orchestrator:Dependencies:payments:Breaker:FailureRatio", StringComparison.Ordinal) && x.Contains("1.5"));
    }

    [Fact]
    public void A_rate_limit_binds_from_configuration()
    {
        var options = OrchestratorOptionsBinder.Bind(Section(
            ("Orchestrator:Dependencies:quotes:RateLimit:PermitsPerPeriod", "50"),
            ("Orchestrator:Dependencies:quotes:RateLimit:Period", "00:00:10"),
            ("Orchestrator:Dependencies:quotes:RateLimit:Algorithm", "SlidingWindow"),
            ("Orchestrator:Dependencies:quotes:RateLimit:Segments", "5"),
            ("Orchestrator:Dependencies:quotes:RateLimit:QueueLimit", "20")));

        var limit = Assert.Single(options.Dependencies).Value.RateLimit;
        Assert.Equal((50, TimeSpan.FromSeconds(10), RateLimitAlgorithm.SlidingWindow, 5, 20, (int?)null),
            (limit.PermitsPerPeriod, limit.Period, limit.Algorithm, limit.Segments, limit.QueueLimit, limit.Burst));
        Assert.Empty(options.GetErrors());
    }

    [Theory]
    [InlineData("Orchestrator:Dependencies:quotes:RateLimit:Algorithm", "LeakyBucket")]
    [InlineData("Orchestrator:Dependencies:quotes:RateLimit:PermitsPerPeriod", "many")]
    public void An_unparsable_rate_limit_value_is_an_error_naming_the_key(string key, string value)
    {
        var e = Assert.Throws<OrchestratorOptionsException>(() => OrchestratorOptionsBinder.Bind(Section((key, value))));
        Assert.Contains(key, e.Message);
        Assert.Contains(value, e.Message);
    }

    [Fact]
    public void A_misspelt_key_is_an_error_naming_it()
    {
        var e = Assert.Throws<OrchestratorOptionsException>(() => OrchestratorOptionsBinder.Bind(Section(
            ("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurency", "4"))));

        Assert.Contains("MaxConcurency", e.Message);
        Assert.Contains("MaxConcurency", Assert.Single(e.Errors));
        Assert.StartsWith("Orchestrator", e.Errors[0]);
    }

    [Theory]
    [InlineData("Orchestrator:Dependencies:payments:Timeot", "Timeot")]
    [InlineData("Orchestrator:Dependencies:payments:Breaker:FailureTreshold", "FailureTreshold")]
    [InlineData("Orchestrator:Dependency:payments:Timeout", "Dependency")]
    public void Other_unknown_keys_are_errors_naming_them(string key, string named)
    {
        var e = Assert.Throws<OrchestratorOptionsException>(() => OrchestratorOptionsBinder.Bind(Section((key, "1"))));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void An_unparsable_timespan_is_an_error_naming_the_key_and_value()
    {
        var e = Assert.Throws<OrchestratorOptionsException>(() => OrchestratorOptionsBinder.Bind(Section(
            ("Orchestrator:Dependencies:payments:Timeout", "abc"))));

        var error = Assert.Single(e.Errors);
        Assert.Contains("Orchestrator:Dependencies:payments:Timeout", error);
        Assert.Contains("abc", error);
    }

    [Theory]
    [InlineData("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency", "ten")]
    [InlineData("Orchestrator:Dependencies:payments:Breaker:FailureRatio", "half")]
    [InlineData("Orchestrator:Dependencies:payments:Breaker:ResetTimeout", "1 minute")]
    public void Other_unparsable_values_are_errors_naming_the_key(string key, string value)
    {
        var e = Assert.Throws<OrchestratorOptionsException>(() => OrchestratorOptionsBinder.Bind(Section((key, value))));

        Assert.Contains(key, e.Message);
        Assert.Contains(value, e.Message);
    }
}
