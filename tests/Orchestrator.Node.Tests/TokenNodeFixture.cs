namespace Orchestrator.Node.Tests;

/// <summary>A node with an Admin:Token: its changing operator endpoints need the bearer token.</summary>
public sealed class TokenNodeFixture : NodeFixture
{
    /// <summary>The token the node is started with.</summary>
    public const string Token = "test-token-0123456789abcdef";

    public override string? AdminToken => Token;

    protected override string[] ExtraArgs => [$"--Admin:Token={Token}"];
}
