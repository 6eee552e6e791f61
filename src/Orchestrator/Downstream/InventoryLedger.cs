using System.Collections.Concurrent;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// The simulated inventory's record of reservations, in memory (a stand-in): each reservation is held until it is
/// released or expires (<see cref="HoldFor"/>). At most <see cref="MaxHeld"/> are held at once (expired ones are
/// dropped first), so that callers cannot fill the node's memory. Releasing is idempotent: a reservation already
/// released, expired or unknown (the node restarted) is answered as not held, which is all a release asks for.
/// Stock levels are the demo's fixed ones: a reservation does not lower them. Thread-safe.
/// </summary>
public sealed class InventoryLedger(TimeProvider time)
{
    /// <summary>How long a reservation is held unless released.</summary>
    public static readonly TimeSpan HoldFor = TimeSpan.FromMinutes(15);

    /// <summary>The most reservations held at once.</summary>
    public const int MaxHeld = 100_000;

    private readonly ConcurrentDictionary<string, Reservation> _held = new(StringComparer.Ordinal);
    private long _released;

    /// <summary>Reservations held now (expired ones included until they are dropped).</summary>
    public int Held => _held.Count;

    /// <summary>Reservations released since start.</summary>
    public long Released => Interlocked.Read(ref _released);

    /// <summary>Holds <paramref name="quantity"/> of <paramref name="productId"/>; null when the ledger is full.</summary>
    public Reservation? Reserve(string productId, int quantity)
    {
        var now = time.GetUtcNow();
        if (_held.Count >= MaxHeld) DropExpired(now);
        if (_held.Count >= MaxHeld) return null;
        var reservation = new Reservation($"r-{Guid.NewGuid():N}", productId, quantity, now + HoldFor);
        _held[reservation.ReservationId] = reservation;
        return reservation;
    }

    /// <summary>Releases <paramref name="reservationId"/>; whether it was held (false: released already, expired or unknown).</summary>
    public bool Release(string reservationId)
    {
        if (!_held.TryRemove(reservationId, out var reservation)) return false;
        Interlocked.Increment(ref _released);
        return reservation.ExpiresAt > time.GetUtcNow();
    }

    /// <summary>Whether <paramref name="reservationId"/> is held now.</summary>
    public bool IsHeld(string reservationId) => _held.TryGetValue(reservationId, out var r) && r.ExpiresAt > time.GetUtcNow();

    private void DropExpired(DateTimeOffset now)
    {
        foreach (var (id, reservation) in _held)
            if (reservation.ExpiresAt <= now) _held.TryRemove(id, out _);
    }
}
