namespace Orchestrator.Contracts;

/// <summary>
/// A fault to inject into a dependency's calls, on purpose, to see that the service degrades as it should. It acts
/// where the dependency's work would run (on every path: an awaiting caller, a told call, the actor's own attempts and
/// probes), so the breaker, bulkhead, timeouts, retries and fallbacks see it as they would see the real failure.
/// </summary>
/// <param name="Kind">What the fault does.</param>
public sealed record Fault(FaultKind Kind)
{
    /// <summary>The longest <see cref="Latency"/> and <see cref="Jitter"/>.</summary>
    public static readonly TimeSpan MaxLatency = TimeSpan.FromMinutes(10);

    /// <summary>The share of calls it affects, in (0, 1]; 1 (all) by default.</summary>
    public double Rate { get; init; } = 1;

    /// <summary><see cref="FaultKind.Latency"/>: the fixed delay added before the work.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary><see cref="FaultKind.Latency"/>: up to this much more, drawn anew for each call.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>
    /// <see cref="FaultKind.Result"/>: the answer instead of the work's: a value of the call's type, or a
    /// <see cref="System.Text.Json.JsonElement"/> read as that type (web conventions); null for the type's default.
    /// A value that cannot be the call's type fails the call with an <see cref="InjectedFaultException"/> saying so.
    /// </summary>
    public object? Result { get; init; }

    /// <summary>How long the fault lasts, after which it ends by itself; null: until it is cleared (at most <c>Orchestrator:Chaos:MaxDuration</c>).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Every problem with this fault given the longest duration allowed; empty when it is valid.</summary>
    public IReadOnlyList<string> GetErrors(TimeSpan maxDuration)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Kind)) errors.Add($"Kind must be one of {string.Join(", ", Enum.GetNames<FaultKind>())}, not {(int)Kind}.");
        if (double.IsNaN(Rate) || Rate <= 0 || Rate > 1) errors.Add($"Rate must be in (0, 1], not {Rate}.");
        if (Latency < TimeSpan.Zero || Latency > MaxLatency) errors.Add($"Latency must be between 0 and {MaxLatency}, not {Latency}.");
        if (Jitter < TimeSpan.Zero || Jitter > MaxLatency) errors.Add($"Jitter must be between 0 and {MaxLatency}, not {Jitter}.");
        if (Kind == FaultKind.Latency && Latency == TimeSpan.Zero && Jitter == TimeSpan.Zero) errors.Add("A Latency fault needs a Latency or a Jitter above 0.");
        if (Kind != FaultKind.Latency && (Latency != TimeSpan.Zero || Jitter != TimeSpan.Zero)) errors.Add($"Latency and Jitter are for a Latency fault, not {Kind}.");
        if (Kind != FaultKind.Result && Result is not null) errors.Add($"Result is for a Result fault, not {Kind}.");
        if (Duration is { } d && (d <= TimeSpan.Zero || d > maxDuration)) errors.Add($"Duration must be above 0 and at most {maxDuration} (Orchestrator:Chaos:MaxDuration), not {d}.");
        return errors;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var share = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Rate * 100:0.#}% of calls");
        return Kind switch
        {
            FaultKind.Error => $"Error on {share}",
            FaultKind.Latency => $"Latency {Latency.TotalMilliseconds:0} ms (+ up to {Jitter.TotalMilliseconds:0} ms) on {share}",
            FaultKind.Hang => $"Hang on {share}",
            _ => $"A chosen result on {share}",
        } + (Duration is { } d ? $" for {d}" : "");
    }
}
