using System.Collections.Concurrent;

namespace Orchestrator.Clustering.Dashboard;

/// <summary>
/// Calls per second, failure rate and p99 latency per dependency over a sliding window (<see cref="Window"/>, in
/// one-second buckets), from the answered calls recorded into it (the node feeds it from the <c>Orchestrator</c>
/// meter's <c>orchestrator.call.duration</c>). Thread-safe: a lock per dependency, held for a few array writes.
/// A failure is any call the dependency did not answer successfully (a fallback, a rejection, a failure). The p99
/// comes from at most <see cref="SamplesPerSecond"/> durations per second (the first ones of each second).
/// </summary>
internal sealed class CallWindow(TimeProvider time)
{
    /// <summary>The window's length.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>Durations kept per second and dependency for the p99.</summary>
    public const int SamplesPerSecond = 512;

    private const int Buckets = 10;
    private readonly ConcurrentDictionary<string, DependencyWindow> _dependencies = new(StringComparer.Ordinal);

    /// <summary>Records an answered call of <paramref name="dependency"/>.</summary>
    public void Record(string dependency, bool succeeded, double seconds)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        _dependencies.GetOrAdd(dependency, _ => new DependencyWindow()).Record(second, succeeded, seconds);
    }

    /// <summary>The dependency's rates over the last <see cref="Window"/> (zeros when it had no call).</summary>
    public CallRates Rates(string dependency)
    {
        if (!_dependencies.TryGetValue(dependency, out var window)) return CallRates.None;
        return window.Rates(time.GetUtcNow().ToUnixTimeSeconds());
    }

    private sealed class DependencyWindow
    {
        private readonly Lock _lock = new();
        private readonly long[] _second = new long[Buckets];
        private readonly int[] _calls = new int[Buckets];
        private readonly int[] _failures = new int[Buckets];
        private readonly double[][] _samples = Enumerable.Range(0, Buckets).Select(_ => new double[SamplesPerSecond]).ToArray();
        private readonly int[] _sampled = new int[Buckets];

        public void Record(long second, bool succeeded, double seconds)
        {
            var i = (int)(second % Buckets);
            lock (_lock)
            {
                if (_second[i] != second)
                {
                    _second[i] = second;
                    _calls[i] = _failures[i] = _sampled[i] = 0;
                }
                _calls[i]++;
                if (!succeeded) _failures[i]++;
                if (_sampled[i] < SamplesPerSecond) _samples[i][_sampled[i]++] = seconds;
            }
        }

        public CallRates Rates(long now)
        {
            long calls = 0, failures = 0;
            var samples = new List<double>();
            lock (_lock)
            {
                for (var i = 0; i < Buckets; i++)
                {
                    // The last full seconds and the current one: now - 9 .. now.
                    if (_second[i] <= now - Buckets || _second[i] > now) continue;
                    calls += _calls[i];
                    failures += _failures[i];
                    samples.AddRange(_samples[i].AsSpan(0, _sampled[i]));
                }
            }
            if (calls == 0) return CallRates.None;
            samples.Sort();
            var p99 = samples.Count == 0 ? 0 : samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(samples.Count * 0.99) - 1)];
            return new CallRates(Math.Round(calls / Window.TotalSeconds, 2), Math.Round((double)failures / calls, 4), Math.Round(p99 * 1000, 1));
        }
    }
}

/// <summary>A dependency's calls over the window.</summary>
/// <param name="CallsPerSecond">Answered calls per second.</param>
/// <param name="FailureRate">The share of them (0..1) the dependency did not answer successfully.</param>
/// <param name="P99Ms">The 99th percentile of their durations, in milliseconds.</param>
internal sealed record CallRates(double CallsPerSecond, double FailureRate, double P99Ms)
{
    /// <summary>No call.</summary>
    public static readonly CallRates None = new(0, 0, 0);
}
