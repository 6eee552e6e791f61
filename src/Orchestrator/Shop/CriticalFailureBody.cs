using Orchestrator.Contracts;

namespace Orchestrator.Node.Shop;

/// <summary>The 503 answer of a page that cannot be served without a critical dependency.</summary>
/// <param name="Error">A sentence naming the dependency and the problem.</param>
/// <param name="Dependency">The critical dependency that did not answer.</param>
/// <param name="Outcome">What happened to its call.</param>
/// <param name="Reason">Why it did not answer.</param>
/// <param name="Detail">The orchestrator's own account of the failure.</param>
public sealed record CriticalFailureBody(string Error, string Dependency, CallOutcome Outcome, DegradationReason Reason, string? Detail)
{
    /// <summary>The 503 answer for <paramref name="result"/>, which has no usable value.</summary>
    public static IResult For(ICallResult result, string page) => Results.Json(
        new CriticalFailureBody(
            $"The {page} cannot be served: its critical dependency '{result.Dependency}' did not answer ({result.Reason}).",
            result.Dependency, result.Outcome, result.Reason, result.Detail),
        statusCode: StatusCodes.Status503ServiceUnavailable);
}
