namespace Orchestrator.TestSupport;

/// <summary>
/// The repository's root folder (the one holding Orchestrator.sln), found from the test binaries upward. One file,
/// compiled into each test project (their .csproj link it).
/// </summary>
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
