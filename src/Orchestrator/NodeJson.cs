using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Node;

/// <summary>
/// The node's JSON: camelCase names, enums as their names (<c>"Closed"</c>, <c>"BreakerOpen"</c>), and strict types:
/// a number must be a JSON number (<c>"2"</c> is not 2).
/// </summary>
public static class NodeJson
{
    /// <summary>Applies the node's conventions to <paramref name="options"/>.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    /// <summary>Options with the node's conventions, for clients (tests) reading its answers.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
