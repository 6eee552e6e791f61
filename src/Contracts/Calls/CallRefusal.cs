namespace Orchestrator.Contracts;

/// <summary>
/// A dependency's "no" to the caller's request (<see cref="CallOutcome.Refused"/>): the caller's answer, carried
/// back as it is, never counted against the dependency.
/// </summary>
/// <param name="Status">The dependency's status code (404, 400, 409...) when it gave one (an HTTP answer); null otherwise.</param>
/// <param name="Message">What the dependency (or the work) said.</param>
public sealed record CallRefusal(int? Status, string Message)
{
    /// <summary>The refusal that <paramref name="error"/> stands for; <paramref name="detail"/> when there is no error.</summary>
    public static CallRefusal From(Exception? error, string? detail) => error switch
    {
        HttpRequestException { StatusCode: { } status } http => new((int)status, http.Message),
        not null => new(null, error.Message),
        _ => new(null, detail ?? "The request was refused."),
    };
}
