using Orchestrator.Actors.Client;
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
/// again, and the queue holds one entry per order however often it is queued. Each round also ends the orders whose
/// charge failed every attempt (poisoned): <c>payment_failed</c>, with the charge's last error as the reason, and
/// queues the stock release of every failed order whose release is not queued yet (<see cref="PaymentFailures"/>), and
/// settles an unpaid order whose queued charge is gone from the queue (delivered while the order book could not
/// record it, or dropped from the poison list by an operator): paid when the payments service holds its charge,
/// <c>payment_failed</c> when it holds none. So no order stays <c>pending_payment</c> past an interval without a
/// reason: its charge waits in the queue (and its view says where it stands), or it is paid or has failed.
/// </summary>
public sealed partial class PaymentRecovery(OrderStore orders, IWriteQueue writes, PaymentFailures failures, IGuardedCalls calls, DownstreamClient downstream,
    ShopSettings settings, TimeProvider time, ILogger<PaymentRecovery> log) : BackgroundService
{
    /// <summary>The most orders one round queues; the next round takes the rest.</summary>
    public const int BatchSize = 500;

    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RunOnceAsync(_startedAt, stoppingToken);
        await SettleFailuresAsync(stoppingToken);
        using var timer = new PeriodicTimer(settings.PaymentRecoveryInterval, time);
        while (await NextTickAsync(timer, stoppingToken))
        {
            await RunOnceAsync(time.GetUtcNow() - settings.PaymentRecoveryInterval, stoppingToken);
            await SettleFailuresAsync(stoppingToken);
        }
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

    /// <summary>
    /// Ends the unpaid orders whose charge is poisoned (<c>payment_failed</c>, the charge's last error as the reason),
    /// and queues the stock release of the failed orders whose release is not queued yet; how many orders it ended and
    /// releases it queued. Failures are logged, and the next round tries again.
    /// </summary>
    public async Task<(int Failed, int Released)> SettleFailuresAsync(CancellationToken ct)
    {
        int failed = 0, released = 0;
        try
        {
            foreach (var poisoned in (await writes.PoisonedAsync(ct)).Entries.Where(p => p.Write.Target == DemoServices.Payments))
            {
                if (await orders.FindAsync(poisoned.Write.IdempotencyKey, ct) is not { Status: OrderStatus.PendingPayment } order) continue;
                await failures.FailAsync(order.OrderId, $"its charge failed every attempt ({poisoned.Write.Attempts}); the last error: {poisoned.Write.LastError}", ct);
                failed++;
            }
            foreach (var order in (await orders.FailedAwaitingReleaseAsync(BatchSize, ct)).Orders)
                if ((await failures.QueueReleaseAsync(order, ct)).ReleaseWriteId is not null) released++;
            foreach (var order in (await orders.WithChargeQueuedAsync(time.GetUtcNow() - settings.PaymentRecoveryInterval, BatchSize, ct)).Orders)
                if (await writes.FindAsync(order.PaymentWriteId!, ct) is null && await SettleGoneChargeAsync(order, ct)) failed++;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogSettleFailed(e.GetBaseException().Message);
        }
        if (failed + released > 0) LogSettled(failed, released);
        return (failed, released);
    }

    /// <summary>
    /// An unpaid order whose queued charge is no longer in the queue: paid when the payments service holds its charge
    /// (its delivery went through but the order book did not record it), else <c>payment_failed</c> (an operator dropped
    /// it); nothing when payments cannot say now. Whether it failed the order.
    /// </summary>
    private async Task<bool> SettleGoneChargeAsync(Order order, CancellationToken ct)
    {
        var charges = await calls.CallAsync(new GuardedCall<OrderCharges>(DemoServices.Payments, t => downstream.GetChargesAsync(order.OrderId, t))
        {
            Tier = Tier.Important,
        }, ct);
        if (!charges.IsSuccess) return false;
        if (charges.Value!.Charges is [var charge, ..])
        {
            await orders.MarkPaidAsync(order.OrderId, charge.ChargeId, ct);
            return false;
        }
        await failures.FailAsync(order.OrderId,
            $"its queued charge {order.PaymentWriteId} is gone from the write queue (dropped from the poison list) and payments holds no charge for it", ct);
        return true;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment recovery marked {Failed} orders payment_failed (their charge failed every attempt) and queued {Released} stock releases")]
    private partial void LogSettled(int failed, int released);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment recovery could not settle failed payments: {Error}; the next round tries again")]
    private partial void LogSettleFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment recovery could not read the order book: {Error}; the next round tries again")]
    private partial void LogOrderBookUnavailable(string error);
}
