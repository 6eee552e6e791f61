using System.Text.Json.Serialization;
using Orchestrator.Contracts;

namespace Orchestrator.Node.Shop;

/// <summary>
/// One section of a page and how it was filled: <c>{"status":"served","data":...}</c>,
/// <c>{"status":"degraded","source":"CallFallback","reason":"BreakerOpen","detail":"...","data":...}</c> or
/// <c>{"status":"omitted","reason":"Error","detail":"..."}</c>.
/// </summary>
public sealed record PageSection<T>(
    SectionStatus Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FallbackSource? Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DegradationReason? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail,
    double ElapsedMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] T? Data)
{
    /// <summary>The section a guarded call's result fills: served, degraded to its fallback, or omitted.</summary>
    public static PageSection<T> From(CallResult<T> result) => result.Outcome switch
    {
        CallOutcome.Succeeded => new(SectionStatus.Served, null, null, null, Ms(result), result.Value),
        CallOutcome.Fallback => new(SectionStatus.Degraded, result.Source, result.Reason, result.Detail, Ms(result), result.Value),
        _ => new(SectionStatus.Omitted, null, result.Reason, result.Detail, Ms(result), default),
    };

    private static double Ms(ICallResult result) => Math.Round(result.Elapsed.TotalMilliseconds, 1);
}
