using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Bench.Node;

/// <summary>An order as the node's order list shows it.</summary>
public sealed record OrderRow(string OrderId, string Status, string? IdempotencyKey, string? ChargeId, decimal Amount, string? FailedReason);

/// <summary>A charge as the payments ledger holds it.</summary>
public sealed record ChargeRow(string ChargeId, string OrderId, decimal Amount);

/// <summary>What the system holds once settled: every order (through the operator's order list) and every charge (read from the payments ledger's file).</summary>
public sealed record FinalState(IReadOnlyList<OrderRow> Orders, IReadOnlyList<ChargeRow> Charges)
{
    /// <summary>Reads every order, a page of 1000 at a time.</summary>
    public static async Task<IReadOnlyList<OrderRow>> OrdersAsync(HttpClient http, CancellationToken ct)
    {
        var orders = new List<OrderRow>();
        for (var offset = 0; ; offset += 1000)
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync($"shop/orders?limit=1000&offset={offset}", ct));
            var rows = page.RootElement.GetProperty("orders").EnumerateArray().Select(o => new OrderRow(
                o.GetProperty("orderId").GetString()!, o.GetProperty("status").GetString()!, Text(o, "idempotencyKey"), Text(o, "chargeId"),
                o.GetProperty("amount").GetDecimal(), Text(o, "failedReason"))).ToList();
            orders.AddRange(rows);
            if (rows.Count < 1000) return orders;
        }
    }

    /// <summary>Reads every charge from the ledger's file (read-only, beside the running node: SQLite's WAL lets it).</summary>
    public static IReadOnlyList<ChargeRow> ReadCharges(string ledger)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ledger, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT charge_id, order_id, amount FROM charges";
        using var reader = select.ExecuteReader();
        var charges = new List<ChargeRow>();
        while (reader.Read())
            charges.Add(new ChargeRow(reader.GetString(0), reader.GetString(1), decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture)));
        return charges;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
