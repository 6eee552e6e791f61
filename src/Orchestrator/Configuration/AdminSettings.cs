namespace Orchestrator.Node.Configuration;

/// <summary>
/// Who may use the operator endpoints that change something (chaos, features, breaker commands, the write queue's
/// poison list); section <c>Admin</c> (<c>--Admin:Token=...</c>, <c>Admin__Token=...</c>). See
/// <see cref="Api.OperatorAccess"/>.
/// </summary>
public sealed class AdminSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Admin";

    /// <summary>The shortest token accepted: a guessable one would not protect anything.</summary>
    public const int MinTokenLength = 16;

    /// <summary>
    /// The operator's bearer token: when set, every changing operator request must carry
    /// <c>Authorization: Bearer &lt;token&gt;</c>. When not set, those endpoints answer loopback callers only.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Whether a token is configured.</summary>
    public bool HasToken => !string.IsNullOrEmpty(Token);

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting (never the token itself).</summary>
    public void Validate(List<string> errors)
    {
        if (string.IsNullOrEmpty(Token)) return; // not set (an empty value from an unset variable counts as not set)
        if (Token.Length < MinTokenLength)
            errors.Add($"{SectionName}:Token must be at least {MinTokenLength} characters long, not {Token.Length}.");
        if (Token.Any(char.IsWhiteSpace) || Token.Any(char.IsControl))
            errors.Add($"{SectionName}:Token must not contain spaces or control characters.");
    }
}
