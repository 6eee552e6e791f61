using System.Text.Json.Serialization;

namespace Orchestrator.Node.Shop;

/// <summary>How a section of a page was filled.</summary>
public enum SectionStatus
{
    /// <summary>By its dependency.</summary>
    [JsonStringEnumMemberName("served")] Served,
    /// <summary>By a fallback (see the section's source and reason).</summary>
    [JsonStringEnumMemberName("degraded")] Degraded,
    /// <summary>Not at all: the page is shown without it (see the reason).</summary>
    [JsonStringEnumMemberName("omitted")] Omitted,
}
