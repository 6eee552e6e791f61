namespace Orchestrator.Actors.Hosting;

/// <summary>
/// The known name a misspelt one most likely meant: the closest by edit distance (insertions, deletions,
/// substitutions and swaps of two neighbours, case ignored), when it is close enough to be a slip rather than another
/// word; or the one the misspelt name starts or ends (a plural, a missing suffix).
/// </summary>
internal static class ClosestName
{
    /// <summary>The name in <paramref name="known"/> that <paramref name="name"/> most likely meant; null when none is close.</summary>
    public static string? To(string name, IReadOnlyCollection<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best is null) return null;
        var shorter = Math.Min(name.Length, best.Length);
        var allowed = shorter <= 4 ? 1 : shorter <= 8 ? 2 : 3;
        if (bestDistance <= allowed) return best;
        // "Dependencies" for "Dependency", "Timeout" for "TimeoutSeconds": one names the start of the other.
        return known.FirstOrDefault(k => name.Length >= 4 && k.Length >= 4
            && (k.StartsWith(name[..^1], StringComparison.OrdinalIgnoreCase) || name.StartsWith(k, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The optimal string alignment distance between <paramref name="a"/> and <paramref name="b"/>.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
