using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Orchestrator.Node.Chaos;

/// <summary>
/// The chaos state of every simulated downstream service. Thread-safe: read by every simulated request, changed
/// by the chaos API; each change is an atomic swap of an immutable <see cref="ChaosSettings"/>. It also counts each
/// service's requests for <see cref="ChaosSettings.FailEveryNth"/>, from the last change of that setting.
/// </summary>
public sealed class ChaosRegistry
{
    private readonly ConcurrentDictionary<string, ChaosSettings> _settings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StrongBox<long>> _requests = new(StringComparer.Ordinal);

    /// <summary>A registry of the services named <paramref name="services"/>, all without chaos.</summary>
    public ChaosRegistry(IEnumerable<string> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services.ToArray();
        foreach (var name in Services)
        {
            _settings[name] = ChaosSettings.None;
            _requests[name] = new StrongBox<long>();
        }
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
        // Setting failEveryNth (even to the same value) starts its count again, so its pattern is predictable.
        if (update.FailEveryNth is not null) Interlocked.Exchange(ref _requests[service].Value, 0);
        return _settings.AddOrUpdate(service, _ => update.ApplyTo(ChaosSettings.None), (_, current) => update.ApplyTo(current));
    }

    /// <summary>Counts a request of <paramref name="service"/> under failEveryNth; its number since that was set (1-based).</summary>
    public long CountRequest(string service) =>
        _requests.TryGetValue(service, out var count) ? Interlocked.Increment(ref count.Value) : 0;

    /// <summary>Removes every fault from <paramref name="service"/>; null for an unknown service.</summary>
    public ChaosSettings? Clear(string service)
    {
        if (!IsKnown(service)) return null;
        _settings[service] = ChaosSettings.None;
        Interlocked.Exchange(ref _requests[service].Value, 0);
        return ChaosSettings.None;
    }

    /// <summary>Removes every fault from every service.</summary>
    public void ClearAll()
    {
        foreach (var name in Services) Clear(name);
    }

    /// <summary>A sentence naming an unknown service and the known ones.</summary>
    public string UnknownMessage(string service) =>
        $"No simulated dependency named '{service}'. Known: {string.Join(", ", Services)}.";
}
