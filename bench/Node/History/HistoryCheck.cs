namespace Orchestrator.Bench.Node;

/// <summary>
/// The checks of a history: what the shoppers were told against what the system holds once settled.
/// <list type="bullet">
/// <item>every key maps to at most one order, and every answer naming an order under a key names that one;</item>
/// <item>the answers that ended a key are all the same (a repeat gets the first answer);</item>
/// <item>every order is paid by exactly one charge (the one it names) or has failed with no charge; none is pending;</item>
/// <item>no charge exists without its order, and a shopper told "paid" (or "payment failed") finds the order so.</item>
/// </list>
/// </summary>
public static class HistoryCheck
{
    public static IReadOnlyList<string> Violations(IReadOnlyList<KeyRecord> keys, FinalState final)
    {
        var violations = new List<string>();
        var ordersByKey = final.Orders.Where(o => o.IdempotencyKey is not null).GroupBy(o => o.IdempotencyKey!).ToDictionary(g => g.Key, g => g.ToList());
        var orders = final.Orders.ToDictionary(o => o.OrderId);
        var charges = final.Charges.GroupBy(c => c.OrderId).ToDictionary(g => g.Key, g => g.ToList());

        foreach (var (key, placed) in ordersByKey)
            if (placed.Count > 1) violations.Add($"key {key}: {placed.Count} orders ({string.Join(", ", placed.Select(o => o.OrderId))})");
        foreach (var order in final.Orders.Where(o => o.IdempotencyKey is null))
            violations.Add($"order {order.OrderId}: no idempotency key");

        foreach (var record in keys)
        {
            var answers = record.Answers;
            var held = ordersByKey.GetValueOrDefault(record.Key)?.FirstOrDefault();
            foreach (var named in answers.Where(a => a.OrderId is not null).Select(a => a.OrderId!).Distinct())
                if (held is null || named != held.OrderId)
                    violations.Add($"key {record.Key}: an answer names order {named}, but the key's order is {held?.OrderId ?? "none"}");
            var ended = answers.Where(a => a.IsFinal).ToList();
            if (ended.Select(a => (a.Status, a.Body)).Distinct().Count() > 1)
                violations.Add($"key {record.Key}: its final answers differ ({string.Join(", ", ended.Select(a => a.Status).Distinct())})");
            foreach (var odd in answers.Where(a => a.Status is 404 or 422 or 400 or 500))
                violations.Add($"key {record.Key}: answered {odd.Status}: {Shorten(odd.Body)}");
            if (ended.FirstOrDefault() is { } first && held is not null)
            {
                if (first.OrderStatus == "paid" && held.Status != "paid") violations.Add($"key {record.Key}: told paid, the order is {held.Status}");
                if (first.OrderStatus == "payment_failed" && held.Status != "payment_failed") violations.Add($"key {record.Key}: told payment failed, the order is {held.Status}");
            }
        }

        foreach (var order in final.Orders)
        {
            var its = charges.GetValueOrDefault(order.OrderId) ?? [];
            switch (order.Status)
            {
                case "paid" when its.Count != 1:
                    violations.Add($"order {order.OrderId}: paid, with {its.Count} charges");
                    break;
                case "paid" when its[0].ChargeId != order.ChargeId || its[0].Amount != order.Amount:
                    violations.Add($"order {order.OrderId}: paid by {order.ChargeId} ({order.Amount}), the ledger holds {its[0].ChargeId} ({its[0].Amount})");
                    break;
                case "payment_failed" when its.Count != 0:
                    violations.Add($"order {order.OrderId}: payment failed ({order.FailedReason}), yet charged {its.Count} times");
                    break;
                case "pending_payment":
                    violations.Add($"order {order.OrderId}: still pending after settling");
                    break;
            }
        }
        foreach (var orderId in charges.Keys.Where(id => !orders.ContainsKey(id)))
            violations.Add($"charge for order {orderId}, which the order book does not hold");
        return violations;
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 200 ? text : text[..200] + "...";
}
