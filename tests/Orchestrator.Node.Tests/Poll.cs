using System.Diagnostics;

namespace Orchestrator.Node.Tests;

/// <summary>Bounded polling: look again and again, briefly, until a condition holds or a time limit passes.</summary>
public static class Poll
{
    /// <summary>The longest any test waits for a condition.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(10);

    /// <summary>Calls <paramref name="probe"/> until <paramref name="done"/> holds for its value; fails naming <paramref name="what"/> and the last value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        var max = limit ?? DefaultLimit;
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (clock.Elapsed > max)
                throw new Xunit.Sdk.XunitException($"Waited {max.TotalSeconds:0.#} s for {what}; the last value was: {value}");
            await Task.Delay(20);
        }
    }
}
