using System.Reflection;
using Orchestrator.Actors.Hosting;
using Orchestrator.Clustering;
using Orchestrator.Contracts;
using Orchestrator.WriteQueue;
using PublicApiGenerator;

namespace Orchestrator.Tests.PublicApi;

/// <summary>
/// The public API of each package, approved as text beside this file (<c>Orchestrator.*.approved.txt</c>): any change
/// to it shows in review. When a change is meant, run the tests with <c>ORCHESTRATOR_APPROVE_API=1</c> to write the
/// new API over the approved file, and commit it; otherwise the test writes <c>*.received.txt</c> to compare.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Packages => new() { "Orchestrator.Contracts", "Orchestrator.Actors", "Orchestrator.Clustering", "Orchestrator.WriteQueue" };

    private static readonly Assembly[] Assemblies =
    [
        typeof(OrchestratorOptions).Assembly,
        typeof(OrchestratorHostingExtensions).Assembly,
        typeof(ClusteringHostingExtensions).Assembly,
        typeof(WriteQueueHostingExtensions).Assembly,
    ];

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_public_api_is_the_approved_one(string package)
    {
        var assembly = Assemblies.Single(a => a.GetName().Name == package);
        var api = assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
            ExcludeAttributes = ["System.Runtime.CompilerServices.InternalsVisibleToAttribute", "System.Reflection.AssemblyMetadataAttribute"],
        }).ReplaceLineEndings("\n");
        var folder = Path.Combine(RepositoryRoot.Path, "tests", "Orchestrator.Tests", "PublicApi");
        var approvedPath = Path.Combine(folder, $"{package}.approved.txt");
        var receivedPath = Path.Combine(folder, $"{package}.received.txt");
        if (Environment.GetEnvironmentVariable("ORCHESTRATOR_APPROVE_API") == "1")
        {
            File.WriteAllText(approvedPath, api);
            File.Delete(receivedPath);
            return;
        }
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (approved == api)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, api);
        Assert.Fail($"The public API of {package} changed: compare {receivedPath} with {approvedPath}. " +
            "If the change is meant, run the tests with ORCHESTRATOR_APPROVE_API=1 and commit the approved file.");
    }

    [Fact]
    public void The_packages_keep_their_machinery_internal()
    {
        string[] internals =
        [
            "Orchestrator.Actors.Breaker.CircuitBreaker", "Orchestrator.Actors.Breaker.SlidingWindow", "Orchestrator.Actors.Bulkhead.BulkheadGate",
            "Orchestrator.Actors.Caching.ResponseCache", "Orchestrator.Actors.Dependencies.DependencyActor", "Orchestrator.Actors.Telemetry.OrchestratorMetrics",
            "Orchestrator.Actors.Pipeline.DegradationBoard", "Orchestrator.WriteQueue.WriteQueued", "Orchestrator.Clustering.ClusterSharing",
        ];
        var types = Assemblies.SelectMany(a => a.GetTypes()).Where(t => t.FullName is not null).DistinctBy(t => t.FullName).ToDictionary(t => t.FullName!, t => t);
        foreach (var name in internals)
            Assert.False(types[name].IsVisible, $"{name} is public.");
    }
}
