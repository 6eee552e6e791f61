namespace Orchestrator.Tests.Hosting;

/// <summary>
/// README.md's code is the samples' code: the "Embed it" program is samples/GettingStarted/Program.cs exactly, and the
/// actor snippet is made of pieces of samples/ActorTellAsk/Program.cs. The samples themselves are built against the
/// packed packages and run by scripts/samples-test.sh (CI), which also runs the README's steps literally.
/// </summary>
public sealed class ReadmeSamplesTests
{
    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([RepositoryRoot.Path, .. path])).ReplaceLineEndings("\n");

    [Fact]
    public void The_readme_program_is_the_getting_started_sample()
    {
        var program = Block(Read("README.md"), "<!-- getting-started:program -->");
        Assert.Equal(Read("samples", "GettingStarted", "Program.cs").TrimEnd(), program);
    }

    [Fact]
    public void The_readme_steps_add_the_packages_of_the_version_that_is_packed()
    {
        var version = System.Text.RegularExpressions.Regex.Match(Read("src", "Version.props"), "<OrchestratorVersion>(.+)</OrchestratorVersion>").Groups[1].Value;
        var commands = Block(Read("README.md"), "<!-- getting-started:commands -->");
        Assert.Contains($"dotnet add package Orchestrator.Actors --version {version}", commands);
        Assert.Contains("dotnet pack Packages.slnf -c Release -o artifacts/packages", commands);
        // The sample project is what those steps make: the same packages.
        var project = Read("samples", "GettingStarted", "GettingStarted.csproj");
        Assert.Contains("<PackageReference Include=\"Orchestrator.Actors\" Version=\"$(OrchestratorVersion)\" />", project);
        Assert.Contains("Include=\"Microsoft.Extensions.Hosting\" Version=\"10.0.0\"", project);
        Assert.Contains("dotnet add package Microsoft.Extensions.Hosting --version 10.0.0", commands);
    }

    [Fact]
    public void The_readme_actor_snippet_is_taken_from_the_actor_sample()
    {
        var readme = Read("README.md");
        var start = readme.IndexOf("Actors use it by tell and ask.", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no actor section");
        var snippet = Block(readme[start..], "```csharp");
        var sample = Read("samples", "ActorTellAsk", "Program.cs");
        var pieces = snippet.Split("// ...\n");
        Assert.True(pieces.Length >= 2);
        foreach (var piece in pieces) Assert.Contains(piece.TrimEnd(), sample);
    }

    /// <summary>The first fenced code block from <paramref name="open"/> on, without its fences.</summary>
    private static string Block(string text, string open)
    {
        var at = text.IndexOf(open, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{open}' not found");
        var fence = text.IndexOf('\n', text.IndexOf("```", at, StringComparison.Ordinal)) + 1;
        var end = text.IndexOf("\n```", fence - 1, StringComparison.Ordinal);
        Assert.True(end > fence, $"no closing fence after '{open}'");
        return text[fence..end].TrimEnd();
    }
}
