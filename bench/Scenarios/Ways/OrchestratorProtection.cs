using Akka.Actor;
using Akka.Configuration;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Root;
using Orchestrator.Bench.Scenarios.Definitions;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>
/// The orchestrator in this process, configured as a service would configure it: per dependency the settings
/// Polly gets (timeout per attempt, bulkhead, breaker, 3 attempts with backoff) plus a retry budget of 10%; the
/// node's load shedder on, its limit the sum of the bulkheads (slots and queues), with the default shares per
/// tier; the default stress levels. Each call carries its tier and its caller's deadline, and (unless CRITICAL)
/// a fallback. Calls go through the typed client. A hedging way adds one hedge per call on the dependency
/// (<see cref="Hedging"/>) and a budget of 20% to pay for them.
/// </summary>
public sealed class OrchestratorProtection : IProtection
{
    private static readonly Config Quiet = ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR");
    private readonly ActorSystem _system;
    private readonly IGuardedCalls _client;
    private readonly IActorRef _coordinator;

    private OrchestratorProtection(ActorSystem system, IGuardedCalls client, IActorRef coordinator)
    {
        _system = system;
        _client = client;
        _coordinator = coordinator;
    }

    /// <summary>How a hedging way hedges: after a fixed <paramref name="Delay"/>, or after the <paramref name="Percentile"/> of the answers once known.</summary>
    public sealed record Hedging(TimeSpan Delay, double? Percentile = null);

    /// <summary>
    /// The options of the orchestrator for <paramref name="scenario"/>; with <paramref name="countCallerErrors"/>,
    /// every exception counts against its dependency, a caller's 404 too (as a naive breaker counts them); with
    /// <paramref name="hedging"/>, one hedge per call and a retry budget of <see cref="ProtectionSettings.HedgingBudgetRatio"/>
    /// instead of <see cref="ProtectionSettings.BudgetRatio"/> (hedges are paid from it).
    /// </summary>
    public static OrchestratorOptions Options(Scenario scenario, ProtectionSettings settings, bool countCallerErrors = false, Hedging? hedging = null)
    {
        var options = new OrchestratorOptions();
        foreach (var dependency in scenario.Dependencies)
        {
            options.AddDependency(dependency.Name, d =>
            {
                d.Timeout = settings.AttemptTimeout;
                d.Bulkhead.MaxConcurrency = ProtectionSettings.Concurrency(dependency);
                d.Bulkhead.QueueCapacity = ProtectionSettings.Queue(dependency);
                d.Breaker.FailureThreshold = ProtectionSettings.FailuresInARow;
                d.Breaker.FailureRatio = ProtectionSettings.FailureRatio;
                d.Breaker.MinimumThroughput = ProtectionSettings.MinimumThroughput;
                d.Breaker.SamplingWindow = settings.SamplingWindow;
                d.Breaker.ResetTimeout = settings.BreakFor;
                d.Retry.MaxAttempts = ProtectionSettings.MaxAttempts;
                d.Retry.BaseDelay = ProtectionSettings.BackoffBase;
                d.Retry.MaxDelay = ProtectionSettings.BackoffMax;
                d.Retry.BudgetRatio = hedging is null ? ProtectionSettings.BudgetRatio : ProtectionSettings.HedgingBudgetRatio;
                d.Retry.BudgetWindow = settings.SamplingWindow;
                if (countCallerErrors) d.Breaker.ShouldHandle = _ => true;
                if (hedging is not null)
                {
                    d.Hedging.MaxHedges = 1;
                    d.Hedging.Delay = hedging.Delay;
                    d.Hedging.Percentile = hedging.Percentile;
                }
            });
        }
        options.Admission.Enabled = true;
        options.Admission.Limit = scenario.Dependencies.Sum(d => ProtectionSettings.Concurrency(d) + ProtectionSettings.Queue(d));
        return options.Validate();
    }

    public static async Task<OrchestratorProtection> StartAsync(Scenario scenario, ProtectionSettings settings, bool countCallerErrors = false, Hedging? hedging = null)
    {
        var options = Options(scenario, settings, countCallerErrors, hedging);
        var system = ActorSystem.Create("scenario", Quiet);
        var guardian = system.ActorOf(OrchestratorGuardian.Props(options), OrchestratorGuardian.Name);
        var children = await guardian.Ask<OrchestratorChildren>(GetOrchestratorChildren.Instance, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        return new OrchestratorProtection(system, new GuardedCallsClient(children.Dependencies), children.Coordinator);
    }

    public async Task<StressLevel?> LevelAsync() =>
        (await _coordinator.Ask<DegradationStatus>(Orchestrator.Actors.Coordination.GetDegradation.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false)).Level;

    public async Task<Answer> CallAsync(CallRequest request)
    {
        var call = new GuardedCall<string>(request.Dependency.Name, request.CallDependencyAsync)
        {
            Tier = request.Tier,
            Deadline = DateTimeOffset.UtcNow + request.Deadline,
            Fallback = request.HasFallback ? static (_, _) => Task.FromResult("fallback") : null,
        };
        var result = await _client.CallAsync(call).ConfigureAwait(false);
        // The winning attempt is numbered in the order the attempts started: a later one than the first answered
        // (a hedge, unless a retry came between: then the hedges did not answer, the retry did).
        if (result.Hedge is { Hedges: > 0 } hedge) request.RecordHedges(hedge.Hedges, hedge.WinningAttempt > 1);
        return result.Outcome switch
        {
            CallOutcome.Succeeded => Answer.Succeeded,
            CallOutcome.Refused => Answer.Refused,
            // Counted as the dependency's failure, the 404 still reaches the caller when there is no fallback.
            _ when result.Error is HttpRequestException { StatusCode: System.Net.HttpStatusCode.NotFound } && result.Outcome == CallOutcome.Failed => Answer.Refused,
            _ => request.WhenTurnedAway,
        };
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().ConfigureAwait(false);
}
