namespace Orchestrator.Node.Configuration;

/// <summary>
/// How much room the node's storage must have for it to take work; section <c>Storage</c>
/// (<c>--Storage:MinFreeMegabytes=64</c>, <c>Storage__MinFreeMegabytes=64</c>).
/// </summary>
public sealed class StorageSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Storage";

    /// <summary>The most <see cref="MinFreeMegabytes"/> may be: 1 TB.</summary>
    public const int MaxMinFreeMegabytes = 1_000_000;

    /// <summary>
    /// Below this much free space on the disk of the journal (or of the payments ledger), the node is not ready and
    /// the shop answers 503 naming the disk, before a write can fail half way; it is ready again by itself once
    /// space returns. 0 turns the check off (a write that fails still does). Default 64 MB.
    /// </summary>
    public int MinFreeMegabytes { get; set; } = 64;

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting.</summary>
    public void Validate(List<string> errors)
    {
        if (MinFreeMegabytes is < 0 or > MaxMinFreeMegabytes)
            errors.Add($"{SectionName}:MinFreeMegabytes must be a whole number from 0 (off) to {MaxMinFreeMegabytes}, not {MinFreeMegabytes}.");
    }
}
