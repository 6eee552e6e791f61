namespace Orchestrator.Contracts;

/// <summary>Fault injection (<c>Orchestrator:Chaos</c>): off unless switched on.</summary>
public sealed class ChaosOptions : FreezableOptions
{
    /// <summary>Whether faults may be injected at all. Off by default: a production node refuses every injection.</summary>
    public bool Enabled { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>The longest a fault may last (and how long one without a duration lasts at most).</summary>
    public TimeSpan MaxDuration { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromHours(1);

    internal void Validate(string path, List<string> errors)
    {
        if (MaxDuration <= TimeSpan.Zero || MaxDuration > TimeSpan.FromDays(1))
            errors.Add($"{path}:MaxDuration must be above 0 and at most 1.00:00:00, not {MaxDuration}.");
    }
}
