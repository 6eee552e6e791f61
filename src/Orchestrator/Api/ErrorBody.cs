namespace Orchestrator.Node.Api;

/// <summary>The body of every error answer: <c>{"error": "..."}</c>, plus optional facts about it.</summary>
/// <param name="Error">A sentence a person can read, naming the problem.</param>
public sealed record ErrorBody(string Error)
{
    /// <summary>An error answer with <paramref name="statusCode"/>.</summary>
    public static IResult Result(int statusCode, string error) => Results.Json(new ErrorBody(error), statusCode: statusCode);

    /// <summary>404 naming what was not found.</summary>
    public static IResult NotFound(string error) => Result(StatusCodes.Status404NotFound, error);

    /// <summary>400 naming what is wrong with the request.</summary>
    public static IResult BadRequest(string error) => Result(StatusCodes.Status400BadRequest, error);
}
