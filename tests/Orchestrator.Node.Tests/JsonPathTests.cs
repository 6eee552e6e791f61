using System.Text.Json;
using Orchestrator.Experiments;
using Orchestrator.Node.Experiments;

namespace Orchestrator.Node.Tests;

/// <summary>The property paths of an experiment's JSON checks.</summary>
public sealed class JsonPathTests
{
    private static readonly JsonElement Status = JsonDocument.Parse("""
        {"cluster": {"members": [
            {"address": "a", "status": "Up", "reachable": true},
            {"address": "b", "status": "Up", "reachable": false},
            {"address": "c", "status": "Down", "reachable": false}]},
         "features": [{"name": "stock", "enabled": false, "tier": "Important"}, {"name": "checkout", "enabled": true, "tier": "Critical"}]}
        """).RootElement;

    [Theory]
    [InlineData("cluster.members.0.address", "\"a\"")]
    [InlineData("cluster.members.#", "3")]
    [InlineData("cluster.members.#[status=Up]", "2")]
    [InlineData("cluster.members.#[reachable=false]", "2")]
    [InlineData("cluster.members.[address=c].status", "\"Down\"")]
    [InlineData("features.[name=stock].enabled", "false")]
    [InlineData("features.#[enabled=true]", "1")]
    public void A_path_finds_its_value(string path, string expected)
    {
        Assert.Null(JsonPath.Problem(path));
        Assert.Equal(expected, JsonPath.Find(Status, path)?.GetRawText());
    }

    [Theory]
    [InlineData("cluster.members.[address=z].status")]
    [InlineData("cluster.members.5")]
    [InlineData("cluster.nope")]
    [InlineData("cluster.#")]
    public void A_path_to_nothing_finds_nothing(string path) => Assert.Null(JsonPath.Find(Status, path));

    [Theory]
    [InlineData("", "must be 1 to 200 characters")]
    [InlineData("a..b", "an empty part")]
    [InlineData("a.[b=c", "an unclosed '['")]
    [InlineData("#.a", "only in its last part")]
    [InlineData("a.#x", "'#' is followed by nothing or [key=value]")]
    [InlineData("a.[=x]", "which is not [key=value]")]
    public void A_bad_path_is_named(string path, string problem) => Assert.Contains(problem, JsonPath.Problem(path));
}
