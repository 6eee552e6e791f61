using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Bench.Node;

/// <summary>A history's counts and its violations (none, when the money path held).</summary>
public sealed record HistoryReport(
    int Seconds,
    int Clients,
    int Seed,
    int Kills,
    int PaymentFlips,
    int Keys,
    int Requests,
    int Resent,
    IReadOnlyDictionary<string, int> Answers,
    int Orders,
    int Paid,
    int PaymentFailed,
    int Pending,
    int Charges,
    double SettleSeconds,
    IReadOnlyList<string> Violations)
{
    public bool Held => Violations.Count == 0;

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"History check: {(Held ? "**held**" : $"**{Violations.Count} violations**")} " +
            $"({Seconds} s, {Clients} shoppers, seed {Seed}, on {Environment.ProcessorCount} cores).");
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("| --- | ---: |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| node killed with SIGKILL and restarted | {Kills} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| payments service changed (healthy, outage, 70% errors) | {PaymentFlips} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| idempotency keys (checkouts) | {Keys} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| requests sent (every retry included) | {Requests} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| requests sent again under a key already answered | {Resent} |");
        foreach (var (status, count) in Answers.OrderBy(a => a.Key, StringComparer.Ordinal))
            text.AppendLine(CultureInfo.InvariantCulture, $"| answers {status} | {count} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| orders | {Orders} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| paid (each by exactly one charge) | {Paid} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| payment failed (no charge) | {PaymentFailed} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| pending after settling | {Pending} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| charges in the payments ledger | {Charges} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| settling after the load (s) | {SettleSeconds:0.0} |");
        foreach (var violation in Violations.Take(50)) text.AppendLine(CultureInfo.InvariantCulture, $"\n- {violation}");
        return text.ToString();
    }
}
