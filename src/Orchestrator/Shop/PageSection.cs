using System.Text.Json.Serialization;
using Orchestrator.Contracts;

namespace Orchestrator.Node.Shop;

/// <summary>
/// One section of a page and how it was filled: <c>{"status":"served","elapsedMs":4.2,"data":...}</c>,
/// <c>{"status":"degraded","source":"StaleCache","reason":"Error","detail":"...","freshness":"Stale","ageMs":61234,
/// "elapsedMs":3.1,"data":...,"trail":[...]}</c> or <c>{"status":"omitted","reason":"DeadlineExceeded","detail":"...","elapsedMs":300.4}</c>.
/// </summary>
/// <param name="Status">Served, degraded or omitted.</param>
/// <param name="Source">The fallback step that answered a degraded section (absent for a stale answer served while it is refreshed).</param>
/// <param name="Reason">Why the dependency's own answer is missing; absent when nothing went wrong.</param>
/// <param name="Detail">A sentence a person can read.</param>
/// <param name="Freshness">How current the data is, unless live: Cached, Stale or PossiblyStale.</param>
/// <param name="AgeMs">How old cached data is.</param>
/// <param name="ElapsedMs">How long the section's call took (for a section the deadline cut off: how long the page waited).</param>
/// <param name="Data">The data, unless omitted.</param>
/// <param name="Trail">The fallback steps that did not answer before the one that did (or before giving up), and why.</param>
/// <param name="Hedge">For a hedged call: the hedges started and which attempt answered (<c>{"hedges":1,"winningAttempt":2,"answeredBy":"profile-replica"}</c>).</param>
public sealed record PageSection<T>(
    SectionStatus Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FallbackSource? Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DegradationReason? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ValueFreshness? Freshness,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? AgeMs,
    double ElapsedMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] T? Data,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ChainStep>? Trail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HedgeReport? Hedge = null)
{
    /// <summary>
    /// The section a guarded call's result fills: served (live, or fresh from the cache), degraded (a fallback step
    /// answered, or a stale cached value), or omitted.
    /// </summary>
    public static PageSection<T> From(CallResult<T> result)
    {
        var status = result.Outcome switch
        {
            CallOutcome.Succeeded when result.Freshness == ValueFreshness.Stale => SectionStatus.Degraded,
            CallOutcome.Succeeded => SectionStatus.Served,
            CallOutcome.Fallback => SectionStatus.Degraded,
            _ => SectionStatus.Omitted,
        };
        return From(status, result, result.Value, Ms(result.Elapsed));
    }

    /// <summary>The section a part of a composed page fills; <paramref name="waited"/> is how long the page waited for it.</summary>
    public static PageSection<T> From(ComposedPart part, TimeSpan waited)
    {
        var status = part.Status switch
        {
            PartStatus.Succeeded => SectionStatus.Served,
            PartStatus.Degraded => SectionStatus.Degraded,
            _ => SectionStatus.Omitted,
        };
        if (part.Result is { } result) return From(status, result, part.ValueAs<T>(), Ms(result.Elapsed));

        // The deadline cut the part off before its call answered: there is no result, only the composer's reason.
        return new(status, null, part.Reason, part.Detail, null, null, Ms(waited), default, null);
    }

    private static PageSection<T> From(SectionStatus status, ICallResult result, T? value, double elapsedMs) => new(
        status,
        status == SectionStatus.Degraded ? result.Source : null,
        result.Reason == DegradationReason.None ? null : result.Reason,
        status == SectionStatus.Served ? null : result.Detail,
        status == SectionStatus.Omitted || result.Freshness == ValueFreshness.Live ? null : result.Freshness,
        status == SectionStatus.Omitted || result.Age is not { } age ? null : Ms(age),
        elapsedMs,
        status == SectionStatus.Omitted ? default : value,
        result.Trail.Count == 0 ? null : result.Trail,
        result.Hedge);

    private static double Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds, 1);
}
