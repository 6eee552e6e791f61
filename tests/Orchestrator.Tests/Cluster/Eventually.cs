namespace Orchestrator.Tests.Cluster;

/// <summary>Polls a condition in real time: the cluster spreads state by messages between systems, with no virtual clock to drive.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> and the last observation after <paramref name="within"/>.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> observe, Func<T, bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        T last;
        while (true)
        {
            last = await observe();
            if (condition(last)) return last;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}; last seen: {Describe(last)}");
            await Task.Delay(50);
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>()) + "]",
        _ => value?.ToString() ?? "null",
    };
}
