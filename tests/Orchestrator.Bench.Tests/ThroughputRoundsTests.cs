using Orchestrator.Bench.Micro.Throughput;

namespace Orchestrator.Bench.Tests;

/// <summary>The throughput runner's rounds: parsed strictly, and combined into medians with the ratio to Polly taken round by round.</summary>
public sealed class ThroughputRoundsTests
{
    [Fact]
    public void Rounds_are_three_by_default_and_a_bad_count_is_refused_by_name()
    {
        Assert.Equal(3, ThroughputArguments.Parse([]).Arguments!.Rounds);
        Assert.Equal(5, ThroughputArguments.Parse(["--rounds", "5"]).Arguments!.Rounds);
        foreach (var bad in new[] { "0", "-1", "x", "51", "2.5" })
        {
            var (arguments, error) = ThroughputArguments.Parse(["--rounds", bad]);
            Assert.Null(arguments);
            Assert.Contains($"--rounds takes a whole number from 1 to {ThroughputArguments.MaxRounds}; '{bad}'", error);
        }
    }

    [Fact]
    public void A_way_is_its_median_round_and_its_ratio_the_median_of_each_rounds_ratio_to_polly()
    {
        ThroughputResult Round(string way, double callsPerSecond, double bytes) => new(way, 8, (long)callsPerSecond, 1, callsPerSecond, bytes);
        // The machine was twice as busy in round 2: each round's ratio is 1.5 all the same.
        var polly = new[] { Round("polly", 1000, 136), Round("polly", 500, 136), Round("polly", 1100, 140) };
        var client = new[] { Round("client", 1500, 144), Round("client", 750, 150), Round("client", 1650, 144) };

        var combined = ThroughputRunner.Combine(client, polly);

        Assert.Equal(("client", 8, 1500d, 144d, 1.5), (combined.Way, combined.Callers, combined.CallsPerSecond, combined.BytesPerCall!.Value, combined.RatioToPolly!.Value));
        Assert.Equal([1500d, 750d, 1650d], combined.RoundCallsPerSecond);
        Assert.Equal(3900, combined.Calls);
        Assert.Null(ThroughputRunner.Combine(client, null).RatioToPolly);
    }
}
