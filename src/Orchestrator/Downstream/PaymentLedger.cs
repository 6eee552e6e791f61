using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// The simulated payments service's record of charges, durable in a SQLite file of its own (by default beside the
/// node's write queue): a charge carrying an <c>Idempotency-Key</c> is applied once, and a repeat with the same key
/// answers the first charge's receipt and charges nothing, across restarts and kills too. That is the half of the
/// write queue's promise (delivered at least once, applied once by key) that belongs to the target. The same key
/// for a different charge (another order, amount or currency) is refused: it is the caller's mistake.
/// </summary>
/// <remarks>
/// One connection, used by one caller at a time; each charge is one SQLite transaction (WAL, synchronous FULL), so
/// an answered charge is on disk. The write-ahead log is checkpointed as SQLite does (every 1000 pages) and cut back
/// to at most 16 MB after each checkpoint, so that it never grows with the ledger, nor refills a disk that was full. The ledger holds at most <see cref="MaxCharges"/> charges, so that callers cannot
/// fill the disk; beyond that it refuses new ones.
/// </remarks>
public sealed class PaymentLedger : IDisposable
{
    /// <summary>The request header a caller sets so that a repeated charge is applied once.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The most charges the demo ledger keeps: one million (about 200 MB).</summary>
    public const int MaxCharges = 1_000_000;

    /// <summary>The most charges listed for one order.</summary>
    public const int MaxListed = 100;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly TimeProvider _time;
    private int _count;

    private PaymentLedger(SqliteConnection connection, string path, TimeProvider time, int count)
    {
        _connection = connection;
        Path = path;
        _time = time;
        _count = count;
    }

    /// <summary>The SQLite file.</summary>
    public string Path { get; }

    /// <summary>
    /// Opens (creating when missing) the ledger in <paramref name="path"/>. Throws <see cref="PaymentLedgerException"/>
    /// naming the file when it cannot be created, read or written.
    /// </summary>
    public static PaymentLedger Open(string path, TimeProvider time)
    {
        var full = System.IO.Path.GetFullPath(path);
        SqliteConnection? connection = null;
        try
        {
            if (Directory.Exists(full)) throw new PaymentLedgerException($"'{full}' is a directory; name a file.");
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false, DefaultTimeout = 30 }.ToString());
            connection.Open();
            Execute(connection, """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA journal_size_limit = 16777216;
                PRAGMA busy_timeout = 5000;
                CREATE TABLE IF NOT EXISTS charges (
                    charge_id TEXT PRIMARY KEY,
                    order_id TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    idempotency_key TEXT UNIQUE,
                    charged_at TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS charges_by_order ON charges(order_id);
                """);
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM charges";
            var charges = Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            return new PaymentLedger(connection, full, time, charges);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            connection?.Dispose();
            throw new PaymentLedgerException($"the payments ledger '{full}' cannot be opened: {e.Message}", e);
        }
    }

    /// <summary>
    /// Applies <paramref name="charge"/>, once per <paramref name="idempotencyKey"/> when one is given: a repeat with
    /// the same key and the same charge answers the first receipt (<see cref="ChargeResult.Repeated"/>); with a
    /// different charge, a conflict naming both.
    /// </summary>
    public async Task<ChargeResult> ChargeAsync(ChargeRequest charge, string? idempotencyKey, CancellationToken ct = default)
    {
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!string.IsNullOrEmpty(idempotencyKey) && FindLocked(idempotencyKey) is { } held)
            {
                if (held.OrderId == charge.OrderId && held.Amount == charge.Amount && held.Currency == charge.Currency)
                    return new ChargeResult(held.ToReceipt(), Repeated: true, Conflict: null);
                return new ChargeResult(null, false,
                    $"{IdempotencyHeader} '{idempotencyKey}' was already used for order '{held.OrderId}', {Money(held.Amount, held.Currency)}; " +
                    $"this charge is for order '{charge.OrderId}', {Money(charge.Amount, charge.Currency)}. A different charge needs a different key.");
            }
            if (_count >= MaxCharges)
                throw new PaymentLedgerException($"the payments ledger is full: it holds {MaxCharges} charges, the most the demo keeps.");

            var recorded = new RecordedCharge($"ch-{Guid.NewGuid():N}", charge.OrderId, charge.Amount, charge.Currency,
                string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey, _time.GetUtcNow());
            using var insert = _connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO charges (charge_id, order_id, amount, currency, idempotency_key, charged_at)
                VALUES ($id, $order, $amount, $currency, $key, $at)
                """;
            insert.Parameters.AddWithValue("$id", recorded.ChargeId);
            insert.Parameters.AddWithValue("$order", recorded.OrderId);
            insert.Parameters.AddWithValue("$amount", recorded.Amount.ToString(CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$currency", recorded.Currency);
            insert.Parameters.AddWithValue("$key", (object?)recorded.IdempotencyKey ?? DBNull.Value);
            insert.Parameters.AddWithValue("$at", recorded.ChargedAt.ToString("O", CultureInfo.InvariantCulture));
            insert.ExecuteNonQuery();
            _count++;
            return new ChargeResult(recorded.ToReceipt(), Repeated: false, Conflict: null);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>The charge applied for <paramref name="idempotencyKey"/>, if any.</summary>
    public async Task<RecordedCharge?> FindAsync(string idempotencyKey, CancellationToken ct = default)
    {
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return FindLocked(idempotencyKey);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>The charges recorded for <paramref name="orderId"/>, oldest first (at most <see cref="MaxListed"/>).</summary>
    public async Task<IReadOnlyList<RecordedCharge>> ChargesForAsync(string orderId, CancellationToken ct = default)
    {
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var select = _connection.CreateCommand();
            select.CommandText = $"{SelectColumns} WHERE order_id = $order ORDER BY charged_at, charge_id LIMIT {MaxListed}";
            select.Parameters.AddWithValue("$order", orderId);
            return Read(select);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>How many charges the ledger holds.</summary>
    public async Task<int> CountAsync(CancellationToken ct = default)
    {
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return _count;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _connection.Dispose();
        _turn.Dispose();
    }

    private const string SelectColumns = "SELECT charge_id, order_id, amount, currency, idempotency_key, charged_at FROM charges";

    private RecordedCharge? FindLocked(string idempotencyKey)
    {
        using var select = _connection.CreateCommand();
        select.CommandText = $"{SelectColumns} WHERE idempotency_key = $key";
        select.Parameters.AddWithValue("$key", idempotencyKey);
        return Read(select) is [var found] ? found : null;
    }

    private static List<RecordedCharge> Read(SqliteCommand select)
    {
        var charges = new List<RecordedCharge>();
        using var reader = select.ExecuteReader();
        while (reader.Read())
            charges.Add(new RecordedCharge(reader.GetString(0), reader.GetString(1), decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
                reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        return charges;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Money(decimal amount, string currency) => $"{amount.ToString(CultureInfo.InvariantCulture)} {currency}";
}

/// <summary>A charge as the payments ledger keeps it.</summary>
public sealed record RecordedCharge(string ChargeId, string OrderId, decimal Amount, string Currency, string? IdempotencyKey, DateTimeOffset ChargedAt)
{
    /// <summary>The receipt a caller is given.</summary>
    public ChargeReceipt ToReceipt() => new(ChargeId, OrderId, Amount, Currency, "captured");
}

/// <summary>
/// What a charge came to: a receipt (<paramref name="Repeated"/> when the key had already been charged, and nothing
/// was charged again), or a conflict naming why the key cannot be used for this charge.
/// </summary>
public sealed record ChargeResult(ChargeReceipt? Receipt, bool Repeated, string? Conflict);

/// <summary>The payments ledger cannot be opened or written; the message names the file or the limit.</summary>
public sealed class PaymentLedgerException(string message, Exception? inner = null) : Exception(message, inner);
