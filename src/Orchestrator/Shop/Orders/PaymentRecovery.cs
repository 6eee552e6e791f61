using Orchestrator.WriteQueue;
using Orchestrator.Contracts;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>
/// Puts right the orders a checkout left half done: stored as <c>pending_payment</c>, but with no charge queued
/// (the node was killed, or stopped, or the queue refused, between storing the order and queueing its charge). At
/// start it queues the charge of every such order placed before the start; then, every
/// <see cref="ShopSettings.PaymentRecoveryInterval"/>, of those placed more than an interval ago (a checkout in
/// progress is left to finish). The charge is queued exactly as a checkout queues it: idempotency key the order id,
/// so that if it was in fact charged (the node stopped just after the charge) the payments service charges nothing
/// again, and the queue holds one entry per order however often it is queued.
/// </summary>
public sealed partial class PaymentRecovery(OrderStore orders, IWriteQueue writes, ShopSettings settings, TimeProvider time,
    ILogger<PaymentRecovery> log) : BackgroundService
{
    /// <summary>The most orders one round queues; the next round takes the rest.</summary>
    public const int BatchSize = 500;

    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RunOnceAsync(_startedAt, stoppingToken);
        using var timer = new PeriodicTimer(settings.PaymentRecoveryInterval, time);
        while (await NextTickAsync(timer, stoppingToken))
            await RunOnceAsync(time.GetUtcNow() - settings.PaymentRecoveryInterval, stoppingToken);
    }

    /// <summary>
    /// Queues the charge of every unpaid order placed before <paramref name="placedBefore"/> whose charge was never
    /// queued (at most <see cref="BatchSize"/>); how many were queued. Failures are logged, and the next round tries again.
    /// </summary>
    public async Task<int> RunOnceAsync(DateTimeOffset placedBefore, CancellationToken ct)
    {
        OrderList awaiting;
        try
        {
            awaiting = await orders.AwaitingChargeAsync(placedBefore, BatchSize, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogOrderBookUnavailable(e.GetBaseException().Message);
            return 0;
        }
        if (awaiting.Total == 0) return 0;

        LogFound(awaiting.Total, placedBefore);
        var queued = 0;
        foreach (var order in awaiting.Orders)
        {
            if (ct.IsCancellationRequested) break;
            var charge = new ChargeRequest(order.OrderId, order.Amount, order.Currency);
            try
            {
                var result = await writes.EnqueueAsync(new EnqueueWrite(DemoServices.Payments, order.UserId, PaymentWriteTarget.Payload(charge), order.OrderId), ct);
                if (!result.Accepted)
                {
                    NodeMetrics.ChargeRecovered("failed");
                    LogNotQueued(order.OrderId, result.Error ?? "no reason given");
                    continue;
                }
                await orders.RecordChargeQueuedAsync(order.OrderId, result.Id!, ct);
                queued++;
                NodeMetrics.ChargeRecovered("queued");
                LogQueued(order.OrderId, order.UserId, result.Id!, result.AlreadyQueued);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                NodeMetrics.ChargeRecovered("failed");
                LogNotQueued(order.OrderId, e.GetBaseException().Message);
            }
        }
        return queued;
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment recovery found {Orders} unpaid orders placed before {PlacedBefore} whose charge was never queued; it queues them")]
    private partial void LogFound(int orders, DateTimeOffset placedBefore);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment recovery queued the charge of order {OrderId} of {UserId} as {WriteId} (already queued: {AlreadyQueued})")]
    private partial void LogQueued(string orderId, string userId, string writeId, bool alreadyQueued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment recovery could not queue the charge of order {OrderId}: {Error}; the next round tries again")]
    private partial void LogNotQueued(string orderId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment recovery could not read the order book: {Error}; the next round tries again")]
    private partial void LogOrderBookUnavailable(string error);
}
