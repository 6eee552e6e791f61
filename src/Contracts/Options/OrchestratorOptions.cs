using System.Text.RegularExpressions;

namespace Orchestrator.Contracts;

/// <summary>
/// Everything the orchestrator guards. Bound from the <c>Orchestrator</c> configuration section, declared in
/// code, or both; validated once at start-up by <see cref="Validate"/>.
/// </summary>
/// <remarks>
/// The optional packages own their own parts of the section: <c>Orchestrator:Cluster</c> is read by
/// Orchestrator.Clustering (<c>ClusterSharingOptions</c>), <c>Orchestrator:WriteQueue</c> by Orchestrator.WriteQueue
/// (<c>WriteQueueOptions</c>).
/// </remarks>
public sealed partial class OrchestratorOptions : FreezableOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Orchestrator";

    /// <summary>The dependencies, by name. A name is used as an actor name: letters, digits, '-', '_' and '.'.</summary>
    public IDictionary<string, DependencyOptions> Dependencies { get; set { ThrowIfFrozen(); field = value; } } = new Dictionary<string, DependencyOptions>(StringComparer.Ordinal);

    /// <summary>The features that can be switched off, by name.</summary>
    public IDictionary<string, FeatureOptions> Features { get; set { ThrowIfFrozen(); field = value; } } = new Dictionary<string, FeatureOptions>(StringComparer.Ordinal);

    /// <summary>How stress is judged.</summary>
    public StressOptions Stress { get; set { ThrowIfFrozen(); field = value; } } = new();

    /// <summary>The node's load shedder.</summary>
    public AdmissionOptions Admission { get; set { ThrowIfFrozen(); field = value; } } = new();

    /// <summary>Fault injection (off by default).</summary>
    public ChaosOptions Chaos { get; set { ThrowIfFrozen(); field = value; } } = new();

    /// <summary>Declares (or changes) a feature.</summary>
    public OrchestratorOptions AddFeature(string name, Tier tier, Action<FeatureOptions>? configure = null)
    {
        ThrowIfFrozen();
        if (!Features.TryGetValue(name, out var feature))
        {
            feature = new FeatureOptions();
            Features[name] = feature;
        }
        feature.Tier = tier;
        configure?.Invoke(feature);
        return this;
    }

    /// <summary>In code only: where stress is read from. Null: the dependencies' bulkheads, errors and latency, and the process.</summary>
    public IStressSignalSource? StressSignals { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>In code only: the clock of the policies. Null: the actor system's scheduler clock.</summary>
    public TimeProvider? TimeProvider { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>Declares (or changes) a dependency.</summary>
    public OrchestratorOptions AddDependency(string name, Action<DependencyOptions>? configure = null)
    {
        ThrowIfFrozen();
        if (!Dependencies.TryGetValue(name, out var dependency))
        {
            dependency = new DependencyOptions();
            Dependencies[name] = dependency;
        }
        configure?.Invoke(dependency);
        return this;
    }

    private protected override void FreezeParts()
    {
        if (Dependencies is not null)
        {
            foreach (var dependency in Dependencies.Values) dependency?.Freeze();
            Dependencies = new System.Collections.ObjectModel.ReadOnlyDictionary<string, DependencyOptions>(new Dictionary<string, DependencyOptions>(Dependencies, StringComparer.Ordinal));
        }
        if (Features is not null)
        {
            foreach (var feature in Features.Values) feature?.Freeze();
            Features = new System.Collections.ObjectModel.ReadOnlyDictionary<string, FeatureOptions>(new Dictionary<string, FeatureOptions>(Features, StringComparer.Ordinal));
        }
        Stress?.Freeze();
        Admission?.Freeze();
        Chaos?.Freeze();
    }

    /// <summary>Every problem with these options, each naming the setting and the bad value; empty when valid.</summary>
    public IReadOnlyList<string> GetErrors()
    {
        var errors = new List<string>();
        if (Dependencies is null)
        {
            errors.Add($"{SectionName}:Dependencies is missing.");
            return errors;
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, dependency) in Dependencies)
        {
            var path = $"{SectionName}:Dependencies:{name}";
            if (!ValidName().IsMatch(name))
                errors.Add($"{path}: the name '{name}' is not valid; use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit.");
            if (!seen.Add(name))
                errors.Add($"{path}: the name '{name}' differs from another dependency's only by case.");
            if (dependency is null) errors.Add($"{path} is empty.");
            else dependency.Validate(path, errors);
            if (dependency?.Replica is { } replica)
            {
                if (replica == name) errors.Add($"{path}:Replica names the dependency itself ('{replica}').");
                else if (!Dependencies.ContainsKey(replica))
                    errors.Add($"{path}:Replica names '{replica}', which is not a declared dependency. Declared: {string.Join(", ", Dependencies.Keys)}.");
            }
        }
        foreach (var (name, feature) in Features ?? new Dictionary<string, FeatureOptions>())
        {
            var path = $"{SectionName}:Features:{name}";
            if (!ValidName().IsMatch(name))
                errors.Add($"{path}: the name '{name}' is not valid; use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit.");
            if (feature is null) errors.Add($"{path} is empty.");
            else feature.Validate(path, errors, Dependencies.Keys);
        }
        if (Stress is null) errors.Add($"{SectionName}:Stress is missing.");
        else Stress.Validate($"{SectionName}:Stress", errors);
        if (Admission is null) errors.Add($"{SectionName}:Admission is missing.");
        else Admission.Validate($"{SectionName}:Admission", errors);
        if (Chaos is null) errors.Add($"{SectionName}:Chaos is missing.");
        else Chaos.Validate($"{SectionName}:Chaos", errors);
        return errors;
    }

    /// <summary>Throws <see cref="OrchestratorOptionsException"/> listing every problem, if there is any.</summary>
    public OrchestratorOptions Validate()
    {
        var errors = GetErrors();
        if (errors.Count > 0) throw new OrchestratorOptionsException(errors);
        return this;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ValidName();
}
