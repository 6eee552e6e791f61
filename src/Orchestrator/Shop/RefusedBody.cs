using Orchestrator.Contracts;

namespace Orchestrator.Node.Shop;

/// <summary>
/// The answer to a request that a dependency refused (the caller's own error, <see cref="CallOutcome.Refused"/>):
/// a 4xx naming what was wrong, with what the dependency said. Never a 5xx, never "degraded".
/// </summary>
/// <param name="Error">A sentence naming the problem (the product, the field).</param>
/// <param name="Dependency">The dependency that refused.</param>
/// <param name="DependencyStatus">Its status code, when it gave one.</param>
/// <param name="DependencyMessage">What it said.</param>
public sealed record RefusedBody(string Error, string Dependency, int? DependencyStatus, string DependencyMessage)
{
    /// <summary>
    /// The answer for <paramref name="result"/> (refused): 404 when the dependency found nothing, 409 for a conflict,
    /// else 422 (the request was well formed, and the dependency refused what it said); <paramref name="error"/> says
    /// what the caller got wrong, given the dependency's status.
    /// </summary>
    public static IResult For(ICallResult result, Func<int?, string> error) => Results.Json(Of(result, error), statusCode: StatusOf(result));

    /// <summary>The body of the answer for <paramref name="result"/> (see <see cref="For"/>).</summary>
    public static RefusedBody Of(ICallResult result, Func<int?, string> error)
    {
        var refusal = RefusalOf(result);
        return new RefusedBody(error(refusal.Status), result.Dependency, refusal.Status, refusal.Message);
    }

    /// <summary>The status of the answer for <paramref name="result"/> (see <see cref="For"/>).</summary>
    public static int StatusOf(ICallResult result) => RefusalOf(result).Status switch
    {
        StatusCodes.Status404NotFound or StatusCodes.Status410Gone => StatusCodes.Status404NotFound,
        StatusCodes.Status409Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    private static CallRefusal RefusalOf(ICallResult result) => result.Refusal ?? new CallRefusal(null, result.Detail ?? "The request was refused.");
}
