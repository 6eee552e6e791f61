using System.Collections.Concurrent;

namespace Orchestrator.Node.Chaos;

/// <summary>
/// The chaos state of every simulated downstream service. Thread-safe: read by every simulated request, changed
/// by the chaos API; each change is an atomic swap of an immutable <see cref="ChaosSettings"/>.
/// </summary>
public sealed class ChaosRegistry
{
    private readonly ConcurrentDictionary<string, ChaosSettings> _settings = new(StringComparer.Ordinal);

    /// <summary>A registry of the services named <paramref name="services"/>, all without chaos.</summary>
    public ChaosRegistry(IEnumerable<string> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services.ToArray();
        foreach (var name in Services) _settings[name] = ChaosSettings.None;
    }

    /// <summary>The services, in declaration order.</summary>
    public IReadOnlyList<string> Services { get; }

    /// <summary>Whether <paramref name="service"/> is a simulated service.</summary>
    public bool IsKnown(string service) => _settings.ContainsKey(service);

    /// <summary>The chaos of <paramref name="service"/> now; <see cref="ChaosSettings.None"/> for an unknown one.</summary>
    public ChaosSettings Get(string service) => _settings.GetValueOrDefault(service, ChaosSettings.None);

    /// <summary>Merges <paramref name="update"/> onto the current settings; null for an unknown service.</summary>
    public ChaosSettings? Update(string service, ChaosUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!IsKnown(service)) return null;
        return _settings.AddOrUpdate(service, _ => update.ApplyTo(ChaosSettings.None), (_, current) => update.ApplyTo(current));
    }

    /// <summary>Removes every fault from <paramref name="service"/>; null for an unknown service.</summary>
    public ChaosSettings? Clear(string service)
    {
        if (!IsKnown(service)) return null;
        _settings[service] = ChaosSettings.None;
        return ChaosSettings.None;
    }

    /// <summary>Removes every fault from every service.</summary>
    public void ClearAll()
    {
        foreach (var name in Services) _settings[name] = ChaosSettings.None;
    }

    /// <summary>A sentence naming an unknown service and the known ones.</summary>
    public string UnknownMessage(string service) =>
        $"No simulated dependency named '{service}'. Known: {string.Join(", ", Services)}.";
}
