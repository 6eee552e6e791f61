namespace Orchestrator.Node.Tests;

/// <summary>The repository's root folder (the one holding Orchestrator.sln), found from the test binaries upward.</summary>
internal static class RepositoryRoot
{
    public static readonly string Path = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Orchestrator.sln not found above " + AppContext.BaseDirectory);
    }
}
