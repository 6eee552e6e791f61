using System.Collections.Concurrent;
using Orchestrator.Node.Edge;

namespace Orchestrator.Node.Dashboard;

/// <summary>
/// Counts the open <c>/dashboard/events</c> streams: at most <see cref="DashboardStreamSettings.Total"/> on the node
/// and <see cref="DashboardStreamSettings.PerClient"/> per client (<see cref="ClientKey"/>; the operator is held to the
/// total only). Thread-safe; a client's count is removed when its last stream closes, so clients that came and went
/// leave nothing behind.
/// </summary>
public sealed class DashboardStreams(DashboardStreamSettings settings)
{
    private readonly ConcurrentDictionary<string, int> _byClient = new(StringComparer.Ordinal);
    private int _open;

    /// <summary>The limits.</summary>
    public DashboardStreamSettings Settings { get; } = settings;

    /// <summary>Streams open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Clients with a stream open now.</summary>
    public int Clients => _byClient.Count;

    /// <summary>Takes a place for <paramref name="client"/>; says which limit refused it otherwise.</summary>
    public StreamAdmission TryOpen(string client)
    {
        if (Interlocked.Increment(ref _open) > Settings.Total)
        {
            Interlocked.Decrement(ref _open);
            return StreamAdmission.NodeFull;
        }
        if (client == ClientKey.Operator) return StreamAdmission.Opened;
        var admitted = true;
        _byClient.AddOrUpdate(client, 1, (_, n) =>
        {
            admitted = n < Settings.PerClient;
            return admitted ? n + 1 : n;
        });
        if (admitted) return StreamAdmission.Opened;
        Interlocked.Decrement(ref _open);
        return StreamAdmission.ClientFull;
    }

    /// <summary>Gives <paramref name="client"/>'s place back.</summary>
    public void Close(string client)
    {
        Interlocked.Decrement(ref _open);
        if (client == ClientKey.Operator) return;
        while (_byClient.TryGetValue(client, out var n))
        {
            if (n <= 1 ? _byClient.TryRemove(KeyValuePair.Create(client, n)) : _byClient.TryUpdate(client, n - 1, n)) return;
        }
    }
}

/// <summary>Whether a stream may open (<see cref="DashboardStreams.TryOpen"/>).</summary>
public enum StreamAdmission
{
    /// <summary>It may: a place is taken, give it back with <see cref="DashboardStreams.Close"/>.</summary>
    Opened,
    /// <summary>The node holds as many streams as it takes (503).</summary>
    NodeFull,
    /// <summary>The client holds as many streams as one client may (429).</summary>
    ClientFull,
}
