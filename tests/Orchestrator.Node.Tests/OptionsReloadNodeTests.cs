using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>A node of its own: its dependencies' options are changed by reloading its configuration.</summary>
public sealed class OptionsReloadNodeFixture : NodeFixture;

/// <summary>
/// The node's configuration reloads (a provider added, then changed and reloaded, as appsettings.json saved would):
/// the changed settings of a dependency take effect, shown in <c>/api/status</c>; a bad value is refused there with
/// its path, and the options in force stay.
/// </summary>
public sealed class OptionsReloadNodeTests(OptionsReloadNodeFixture node) : IClassFixture<OptionsReloadNodeFixture>
{
    private const string Key = "Orchestrator:Dependencies:recommendations";

    /// <summary>Waits for a change of options other than <paramref name="before"/> (its JSON) to show in the status.</summary>
    private Task<System.Text.Json.JsonElement> ChangeAfter(string? before) =>
        Poll.UntilAsync(() => node.DependencyStatusAsync(DemoServices.Recommendations),
            s => s.TryGetProperty("lastOptionsChange", out var change) && change.ValueKind == System.Text.Json.JsonValueKind.Object
                 && change.GetRawText() != before,
            "recommendations reports a change of its options", TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_reloaded_configuration_changes_a_running_dependency_and_a_bad_value_is_refused_in_the_status()
    {
        var before = await node.DependencyStatusAsync(DemoServices.Recommendations);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, before.GetProperty("lastOptionsChange").ValueKind);

        ((IConfigurationBuilder)node.Configuration).Add(new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { [$"{Key}:Timeout"] = "00:00:03", [$"{Key}:Bulkhead:MaxConcurrency"] = "7" },
        });
        var changed = await ChangeAfter(null);
        var change = changed.GetProperty("lastOptionsChange");
        Assert.Equal(["Timeout", "Bulkhead:MaxConcurrency"], change.GetProperty("applied").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("00:00:03", changed.GetProperty("defaultTimeout").GetString());
        Assert.Equal(7, changed.GetProperty("bulkhead").GetProperty("maxConcurrency").GetInt32());

        node.Configuration[$"{Key}:Timeout"] = "three seconds";
        ((IConfigurationRoot)node.Configuration).Reload();
        var refused = await ChangeAfter(change.GetRawText());
        var problem = Assert.Single(refused.GetProperty("lastOptionsChange").GetProperty("refused").EnumerateArray()).GetString();
        Assert.StartsWith($"{Key}:Timeout: 'three seconds' is not a valid TimeSpan", problem);
        Assert.Equal("00:00:03", refused.GetProperty("defaultTimeout").GetString());
        Assert.False(refused.GetProperty("lastOptionsChange").GetProperty("accepted").GetBoolean());
    }
}
