using Akka;
using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Retry;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

public sealed partial class WriteQueueActor
{
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly HashSet<string> _backingOff = new(StringComparer.Ordinal);
    private readonly HashSet<string> _paused = new(StringComparer.Ordinal);
    private bool _recovered;

    /// <summary>
    /// Starts deliveries while fewer than <c>MaxInFlight</c> run: the head of each lane (target and key), oldest
    /// first, unless it is being delivered, backing off, or its target is paused. Only a lane's head is ever
    /// delivered, so one key's writes are applied in order.
    /// </summary>
    private void Pump()
    {
        if (!_recovered || _deliveriesStopped) return;
        foreach (var head in _state.Heads())
        {
            if (_inFlight.Count >= _options.MaxInFlight) return;
            if (_inFlight.Contains(head.Id) || _backingOff.Contains(head.Id) || _paused.Contains(head.Target)) continue;
            Deliver(head);
        }
    }

    private void Deliver(QueuedWrite write)
    {
        _inFlight.Add(write.Id);
        var target = _targets[write.Target];
        var call = new GuardedCall<Done>(write.Target, async ct =>
        {
            await target.ApplyAsync(write, ct).ConfigureAwait(false);
            return Done.Instance;
        })
        {
            Deadline = null,
        };
        _dependencies.Ask<ICallResult>(call, _options.DeliveryTimeout)
            .PipeTo(Self, success: r => new DeliveryFinished(write.Id, r, null), failure: e => new DeliveryFinished(write.Id, null, e));
    }

    /// <summary>Stores that <paramref name="write"/> was applied, then runs <paramref name="then"/>.</summary>
    private void RecordDelivered(QueuedWrite write, Action then) =>
        Persist(new WriteDelivered(write.Id, _time.GetUtcNow()), e =>
        {
            Applied(e);
            _log.Info("Write {WriteId} delivered to {Target} key {Key} after {Attempts} failed attempts; {Depth} waiting",
                write.Id, write.Target, write.Key, write.Attempts, _state.PendingCount);
            OrchestratorMetrics.WriteQueueEvent(write.Target, "delivered");
            then();
        });

    private void OnDeliveryFinished(DeliveryFinished finished)
    {
        if (!_inFlight.Remove(finished.Id) || !_state.TryGetPending(finished.Id, out var write))
        {
            Pump();
            return;
        }

        if (finished.Result is { Outcome: CallOutcome.Succeeded })
        {
            RecordDelivered(write, Pump);
            return;
        }

        if (finished.Result is { Outcome: CallOutcome.Rejected, Reason: DegradationReason.BreakerOpen or DegradationReason.BulkheadFull
                or DegradationReason.Shed or DegradationReason.FeatureDisabled or DegradationReason.RateLimited } turnedAway)
        {
            // The target's guard turned the delivery away without trying it: not an attempt. Pause the target.
            if (_paused.Add(write.Target))
            {
                _log.Info("Write queue pauses deliveries to {Target} for {PausedFor}: {Reason}", write.Target, _options.PausedDelay, turnedAway.Reason);
                OrchestratorMetrics.WriteQueueEvent(write.Target, "paused");
                Timers.StartSingleTimer("resume:" + write.Target, new ResumeTarget(write.Target), _options.PausedDelay);
            }
            Pump();
            return;
        }

        if (finished.Result is { Outcome: CallOutcome.Refused } refused)
        {
            // The target said no to this write (a 4xx: invalid, conflict...): trying again gives the same answer.
            Poison(write, $"refused by {write.Target}: {refused.Refusal?.Message ?? refused.Detail}");
            return;
        }

        var error = finished.Error is { } e ? $"{e.GetType().Name}: {e.Message}" : Describe(finished.Result!);
        if (write.Attempts + 1 >= _options.MaxAttempts)
        {
            Poison(write, error);
            return;
        }

        Persist(new WriteAttemptFailed(write.Id, error), f =>
        {
            Applied(f);
            var attempts = write.Attempts + 1;
            var delay = Backoff.FullJitter(attempts, _options.BaseDelay, _options.MaxDelay, _random());
            _backingOff.Add(write.Id);
            Timers.StartSingleTimer("retry:" + write.Id, new RetryDue(write.Id), delay);
            _log.Info("Write {WriteId} for {Target} key {Key} failed attempt {Attempt}; next in {Delay}: {Error}",
                write.Id, write.Target, write.Key, $"{attempts}/{_options.MaxAttempts}", delay, error);
            OrchestratorMetrics.WriteQueueEvent(write.Target, "failed");
            Pump();
        });
    }

    /// <summary>Moves <paramref name="write"/> to the poison list, with <paramref name="error"/> as the reason.</summary>
    private void Poison(QueuedWrite write, string error) =>
        Persist(new WritePoisoned(write.Id, error, _time.GetUtcNow()), p =>
        {
            Applied(p);
            _log.Warning("Write {WriteId} for {Target} key {Key} moved to the poison list after {Attempts} attempts: {Error}",
                write.Id, write.Target, write.Key, write.Attempts + 1, error);
            OrchestratorMetrics.WriteQueueEvent(write.Target, "poisoned");
            Pump();
        });

    private static string Describe(ICallResult result) =>
        result.Detail ?? $"{result.Outcome} ({result.Reason})";

    private void OnRetryDue(RetryDue due)
    {
        _backingOff.Remove(due.Id);
        Pump();
    }

    private void OnResumeTarget(ResumeTarget resume)
    {
        _paused.Remove(resume.Target);
        Pump();
    }
}
