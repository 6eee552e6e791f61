using System.Diagnostics.Metrics;

namespace Orchestrator.Node;

/// <summary>The node's own metrics, on the same <c>Orchestrator</c> meter as the orchestrator's.</summary>
public static class NodeMetrics
{
    private static readonly Meter Meter = new("Orchestrator", "1.0");

    private static readonly Counter<long> RecoveredCharges =
        Meter.CreateCounter<long>("orchestrator.shop.recovered_charges", "{order}", "Unpaid orders whose charge the payment recovery queued, or failed to.");

    private static readonly Counter<long> RefusedWhileStopping =
        Meter.CreateCounter<long>("orchestrator.node.refused_while_stopping", "{request}", "Requests answered 503 because the node was stopping.");

    private static readonly Counter<long> RefusedNotServing =
        Meter.CreateCounter<long>("orchestrator.node.refused_not_serving", "{request}",
            "Requests answered 503 because the cluster said this node should not serve (not Up, or cut off from the majority).");

    private static readonly Counter<long> ServingChanges =
        Meter.CreateCounter<long>("orchestrator.node.serving_changes", "{change}", "This node started or stopped serving, as the cluster says (tag serving).");

    private static readonly Counter<long> RemotingPeersRefused =
        Meter.CreateCounter<long>("orchestrator.remoting.tls.refused_peers", "{connection}",
            "Remoting connections whose peer certificate did not chain to the cluster's trust anchor (Remoting:Tls), refused.");

    private static readonly Counter<long> OrdersFinished =
        Meter.CreateCounter<long>("orchestrator.shop.orders_finished", "{order}", "Orders that reached a final state (tag status: paid, payment_failed).");

    private static readonly Counter<long> Checkouts =
        Meter.CreateCounter<long>("orchestrator.shop.checkouts", "{request}",
            "Checkout requests by what came of them (tag result: placed, replayed, in_progress, key_conflict, refused, unknown, unavailable).");

    /// <summary>An order reached <paramref name="status"/>, a final state.</summary>
    public static void OrderFinished(string status) => OrdersFinished.Add(1, new KeyValuePair<string, object?>("status", status));

    /// <summary>A checkout request ended with <paramref name="result"/>.</summary>
    public static void CheckoutEnded(string result) => Checkouts.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <summary>A remoting peer's certificate was refused (Remoting:Tls).</summary>
    public static void RemotingPeerRefused() => RemotingPeersRefused.Add(1);

    /// <summary>This node started (<paramref name="serving"/>) or stopped serving.</summary>
    public static void ServingChanged(bool serving) => ServingChanges.Add(1, new KeyValuePair<string, object?>("serving", serving));

    /// <summary>A request arrived while the cluster said this node should not serve, and was refused.</summary>
    public static void RequestRefusedNotServing() => RefusedNotServing.Add(1);

    /// <summary>The payment recovery queued (<c>queued</c>) or could not queue (<c>failed</c>) an order's charge.</summary>
    public static void ChargeRecovered(string result) => RecoveredCharges.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <summary>A request arrived while the node was stopping and was refused.</summary>
    public static void RequestRefusedWhileStopping() => RefusedWhileStopping.Add(1);
}
