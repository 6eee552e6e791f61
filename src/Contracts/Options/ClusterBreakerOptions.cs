namespace Orchestrator.Contracts;

/// <summary>How one dependency's breaker takes part in the cluster; section <c>Orchestrator:Dependencies:{name}:Cluster</c>.</summary>
public sealed class ClusterBreakerOptions : FreezableOptions
{
    /// <summary>The cluster policy. Default <see cref="ClusterPolicy.Quorum"/> (a majority of reachable nodes).</summary>
    public ClusterPolicy Policy { get; set { ThrowIfFrozen(); field = value; } } = ClusterPolicy.Quorum;

    /// <summary>For <see cref="ClusterPolicy.Quorum"/>: how many reachable nodes must have opened the breaker. Default: none (see <see cref="QuorumFraction"/>).</summary>
    public int? QuorumCount { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>
    /// For <see cref="ClusterPolicy.Quorum"/>: the share of reachable nodes, in (0, 1], that must have opened the
    /// breaker (rounded up, at least one node). Default: none; with neither this nor <see cref="QuorumCount"/> set, a
    /// majority (more than half).
    /// </summary>
    public double? QuorumFraction { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>How many of <paramref name="reachable"/> nodes must have opened the breaker for the policy to open it everywhere; null for <see cref="ClusterPolicy.LocalOnly"/>.</summary>
    public int? RequiredOpen(int reachable) => Policy switch
    {
        ClusterPolicy.LocalOnly => null,
        ClusterPolicy.AnyOpen => 1,
        _ when QuorumCount is { } count => count,
        _ when QuorumFraction is { } fraction => Math.Max(1, (int)Math.Ceiling(fraction * reachable - 1e-9)),
        _ => reachable / 2 + 1,
    };

    /// <summary>The policy in words, for status and logs ("Quorum (2 of 3 reachable)").</summary>
    public string Describe(int reachable) => Policy switch
    {
        ClusterPolicy.Quorum => $"Quorum ({RequiredOpen(reachable)} of {reachable} reachable)",
        _ => Policy.ToString(),
    };

    internal void Validate(string path, List<string> errors)
    {
        if (!Enum.IsDefined(Policy)) errors.Add($"{path}:Policy must be LocalOnly, AnyOpen or Quorum, not {Policy}.");
        if (QuorumCount is { } count && count < 1) errors.Add($"{path}:QuorumCount must be at least 1, not {count}.");
        if (QuorumFraction is { } fraction && (fraction is <= 0 or > 1 || double.IsNaN(fraction)))
            errors.Add($"{path}:QuorumFraction must be in (0, 1], not {fraction}.");
        if (QuorumCount is not null && QuorumFraction is not null)
            errors.Add($"{path}: set QuorumCount ({QuorumCount}) or QuorumFraction ({QuorumFraction}), not both.");
        if (Policy != ClusterPolicy.Quorum && (QuorumCount is not null || QuorumFraction is not null))
            errors.Add($"{path}: QuorumCount and QuorumFraction apply to the Quorum policy only; the policy is {Policy}.");
    }
}
