namespace Orchestrator.Contracts;

/// <summary>
/// Changes a dependency's options while it runs (send it to the dependencies' supervisor; the answer is an
/// <see cref="OptionsChangeResult"/>, or <see cref="UnknownDependency"/> for a name not declared). <paramref name="Change"/>
/// is given a copy of the options in force, not frozen, and changes what it wants; the copy is then validated as at
/// start-up. Valid, it takes effect on the next call, the breaker's state kept; invalid (or when <paramref name="Change"/>
/// throws), nothing changes and the result names every problem.
/// </summary>
/// <remarks>
/// Most settings take effect at once: the timeouts, the breaker's thresholds and reset timeouts, the bulkhead's sizes
/// and the retries. A few shape objects made at start-up (the cache, the rate limit, the dedicated threads, the replica,
/// the cluster policy, the health probe and the default fallback): a change to those is kept out and named in
/// <see cref="OptionsChangeResult.NeedsRestart"/>. A host that binds <c>Orchestrator</c> from configuration sends this
/// itself when the configuration reloads (docs/configuration.md#reload).
/// </remarks>
/// <param name="Dependency">The dependency whose options change.</param>
/// <param name="Change">Changes the copy it is given.</param>
public sealed record ChangeDependencyOptions(string Dependency, Action<DependencyOptions> Change);

/// <summary>What a change of a dependency's options did (see <see cref="ChangeDependencyOptions"/>).</summary>
/// <param name="Dependency">The dependency.</param>
/// <param name="At">When the change was tried (the dependency's clock).</param>
/// <param name="Applied">The settings that changed, by path below the dependency (<c>Breaker:FailureThreshold</c>); empty when it was refused or changed nothing.</param>
/// <param name="Refused">Why the change was refused, one sentence per problem naming the setting and its bad value; empty when it was taken.</param>
/// <param name="NeedsRestart">Settings that were changed but take effect only when the node restarts; the running values stay.</param>
public sealed record OptionsChangeResult(
    string Dependency,
    DateTimeOffset At,
    IReadOnlyList<string> Applied,
    IReadOnlyList<string> Refused,
    IReadOnlyList<string> NeedsRestart)
{
    /// <summary>Whether the change was taken (nothing refused); <see cref="Applied"/> may still be empty when it changed nothing.</summary>
    public bool Accepted => Refused.Count == 0;
}
