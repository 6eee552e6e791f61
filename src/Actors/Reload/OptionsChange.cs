using Orchestrator.Contracts;

namespace Orchestrator.Actors.Reload;

/// <summary>
/// A change of a dependency's options at run time, prepared off the running options: a copy changed, the settings
/// that cannot change while the node runs put back (and named), the copy validated as at start-up and frozen. What
/// runs is then swapped whole or not at all (DependencyHandle.ChangeOptions, by the dependency's actor).
/// </summary>
internal static class OptionsChange
{
    /// <summary>
    /// The settings that shape objects made once, when the node starts (the cache, the rate limiter, the dedicated
    /// threads, the replica in the fallback chain, the cluster policy, the health probe, the default fallback): a change
    /// to them takes effect at the next start. Every other setting takes effect on the next call.
    /// </summary>
    public static IReadOnlyList<string> NeedRestart { get; } =
        ["Bulkhead:DedicatedThreads", "RateLimit", "Cache", "Cluster", "Replica", "DefaultFallback", "Probe"];

    /// <summary>
    /// Applies <paramref name="change"/> to a copy of <paramref name="current"/>: the options to run from now on (null
    /// when refused or when nothing that can change now changed), and the result for the sender and the status.
    /// </summary>
    public static (DependencyOptions? Next, OptionsChangeResult Result) Prepare(string dependency, DependencyOptions current,
        Action<DependencyOptions> change, DateTimeOffset now)
    {
        var path = $"{OrchestratorOptions.SectionName}:Dependencies:{dependency}";
        var candidate = OptionsCopy.Clone(current);
        try
        {
            change(candidate);
        }
        catch (OrchestratorOptionsException e)
        {
            return (null, new OptionsChangeResult(dependency, now, [], e.Errors, []));
        }
        catch (Exception e)
        {
            return (null, new OptionsChangeResult(dependency, now, [], [$"{path}: the change failed with {e.GetType().Name}: {e.Message}"], []));
        }

        var changed = OptionsCopy.Differences(current, candidate);
        var later = changed.Where(IsRestartOnly).ToArray();
        foreach (var setting in later) OptionsCopy.CopySetting(candidate, current, setting);
        var errors = new List<string>();
        try
        {
            candidate.Validate(path, errors);
        }
        catch (Exception e) // a change that left a section or a list null, say: refused, never a crash of the dependency's actor
        {
            errors.Add($"{path}: the changed options cannot be validated: {e.GetType().Name}: {e.Message}");
        }
        if (errors.Count > 0) return (null, new OptionsChangeResult(dependency, now, [], errors, later));
        var applied = changed.Except(later).ToArray();
        if (applied.Length == 0) return (null, new OptionsChangeResult(dependency, now, [], [], later));
        candidate.Freeze();
        return (candidate, new OptionsChangeResult(dependency, now, applied, [], later));
    }

    private static bool IsRestartOnly(string setting) =>
        NeedRestart.Any(p => setting.Equals(p, StringComparison.Ordinal) || setting.StartsWith(p + ":", StringComparison.Ordinal));
}
