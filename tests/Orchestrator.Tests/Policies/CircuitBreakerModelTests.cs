using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

/// <summary>
/// The breaker's state machine against a model written from its specification, on random sequences of calls,
/// outcomes, time and commands (CsCheck, shrunk to the shortest failing sequence): Closed opens after
/// <c>FailureThreshold</c> failures in a row; Open lets nothing through until its open period (growing by
/// <c>ResetTimeoutMultiplier</c> per trip, at most <c>MaxResetTimeout</c>) has passed, then is HalfOpen with
/// <c>HalfOpenProbes</c> probes; every probe succeeding closes it, one failing opens it again; an outcome of an
/// earlier round's probe changes nothing; a probe given back is available again in its own round only; Isolated
/// lets nothing through until Reset. (The window ratios have tests of their own; here they are off.)
/// </summary>
public sealed class CircuitBreakerModelTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed record Settings(int Threshold, int Probes, double Multiplier)
    {
        public static readonly TimeSpan Reset = TimeSpan.FromSeconds(10);
        public static readonly TimeSpan MaxReset = TimeSpan.FromSeconds(35);
    }

    /// <summary>A permit a call holds until its outcome is recorded.</summary>
    private readonly record struct Held(BreakerPermit Permit, long Round);

    private sealed class Real
    {
        public Real(Settings settings)
        {
            Time = new FakeTimeProvider(Start);
            Breaker = new CircuitBreaker(new CircuitBreakerOptions
            {
                FailureThreshold = settings.Threshold, FailureRatio = null, HalfOpenProbes = settings.Probes,
                ResetTimeout = Settings.Reset, ResetTimeoutMultiplier = settings.Multiplier, MaxResetTimeout = Settings.MaxReset,
            }, Time);
        }

        public readonly FakeTimeProvider Time;
        public readonly CircuitBreaker Breaker;
        public readonly List<Held> Held = [];
        public readonly List<string> Answers = [];
        public override string ToString() =>
            $"{Breaker.State} round {Breaker.HalfOpenRound} probes left {Breaker.Board.ProbesLeft} failures {Breaker.Snapshot().ConsecutiveFailures} " +
            $"open until {Breaker.OpenUntil:HH:mm:ss}; answers {string.Join(" ", Answers)}";
    }

    private sealed class Model(Settings settings)
    {
        public readonly Settings Settings = settings;
        public DateTimeOffset Now = Start;
        public BreakerState State = BreakerState.Closed;
        public int Failures;
        public int Trips;
        public int ProbeSuccesses;
        public long Round;
        public int Left;
        public DateTimeOffset? OpenUntil;
        public readonly List<Held> Held = [];
        public readonly List<string> Answers = [];
        public override string ToString() => $"{State} round {Round} probes left {Left} failures {Failures} open until {OpenUntil:HH:mm:ss}; answers {string.Join(" ", Answers)}";

        public void Refresh()
        {
            if (State == BreakerState.Open && OpenUntil is { } until && Now >= until) Move(BreakerState.HalfOpen);
        }

        public void Trip()
        {
            Trips++;
            var openFor = Math.Min(Settings.Reset.Ticks * Math.Pow(Settings.Multiplier, Trips - 1), Settings.MaxReset.Ticks);
            OpenUntil = Now + TimeSpan.FromTicks((long)openFor);
            Move(BreakerState.Open);
        }

        public void Move(BreakerState to)
        {
            State = to;
            if (to != BreakerState.Open) OpenUntil = null;
            if (to == BreakerState.HalfOpen) Round++;
            Left = to == BreakerState.HalfOpen ? Settings.Probes : 0;
            ProbeSuccesses = 0;
            if (to is BreakerState.Closed or BreakerState.Open) Failures = 0;
        }

        public bool IsStale(Held held) => held.Permit == BreakerPermit.Probe && held.Round != Round;
    }

    private static bool Same(Real real, Model model) =>
        real.Breaker.State == model.State && real.Breaker.Board.State == model.State
        && real.Breaker.HalfOpenRound == model.Round && real.Breaker.Board.ProbesLeft == model.Left
        && real.Breaker.OpenUntil == model.OpenUntil && real.Breaker.Snapshot().ConsecutiveFailures == model.Failures
        && real.Answers.SequenceEqual(model.Answers);

    private static readonly Gen<(Real, Model)> NewBreaker =
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 2].Select(m => (double)m))
            .Select((threshold, probes, multiplier) => new Settings(threshold, probes, multiplier))
            .Select(settings => (new Real(settings), new Model(settings)));

    private static readonly GenOperation<Real, Model>[] Kinds =
    [
        Gen.Operation<Real, Model>("acquire", real =>
        {
            var permit = real.Breaker.TryAcquire(out var round);
            if (permit != BreakerPermit.Rejected) real.Held.Add(new Held(permit, round));
            real.Answers.Add(permit == BreakerPermit.Rejected ? "rejected" : $"{permit}:{round}");
        }, model =>
        {
            model.Refresh();
            var permit = model.State switch
            {
                BreakerState.Closed => BreakerPermit.Allowed,
                BreakerState.HalfOpen when model.Left > 0 => BreakerPermit.Probe,
                _ => BreakerPermit.Rejected,
            };
            if (permit == BreakerPermit.Probe) model.Left--;
            if (permit != BreakerPermit.Rejected) model.Held.Add(new Held(permit, model.Round));
            model.Answers.Add(permit == BreakerPermit.Rejected ? "rejected" : $"{permit}:{model.Round}");
        }),
        Gen.Operation<Real, Model>("succeed", real =>
        {
            if (Take(real.Held) is { } held) real.Breaker.RecordSuccess(TimeSpan.FromMilliseconds(5), held.Permit, held.Round);
        }, model =>
        {
            if (Take(model.Held) is not { } held || model.IsStale(held)) return;
            if (model.State == BreakerState.Closed) model.Failures = 0;
            else if (model.State == BreakerState.HalfOpen && held.Permit == BreakerPermit.Probe && ++model.ProbeSuccesses >= model.Settings.Probes)
            {
                model.Trips = 0;
                model.Move(BreakerState.Closed);
            }
        }),
        Gen.Operation<Real, Model>("fail", real =>
        {
            if (Take(real.Held) is { } held) real.Breaker.RecordFailure(TimeSpan.FromMilliseconds(5), held.Permit, held.Round);
        }, model =>
        {
            if (Take(model.Held) is not { } held || model.IsStale(held)) return;
            if (model.State == BreakerState.Closed && ++model.Failures >= model.Settings.Threshold) model.Trip();
            else if (model.State == BreakerState.HalfOpen && held.Permit == BreakerPermit.Probe) model.Trip();
        }),
        // A probe whose outcome says nothing (its caller's deadline cut it) is given back.
        Gen.Operation<Real, Model>("give-back", real =>
        {
            if (Take(real.Held) is { Permit: BreakerPermit.Probe } held) real.Breaker.ReleaseProbe(held.Round);
        }, model =>
        {
            if (Take(model.Held) is { Permit: BreakerPermit.Probe } held && model.State == BreakerState.HalfOpen && held.Round == model.Round
                && model.Left < model.Settings.Probes)
                model.Left++;
        }),
        Gen.Int[1, 40].Operation<Real, Model>(s => $"wait {s} s", (real, s) => real.Time.Advance(TimeSpan.FromSeconds(s)), (model, s) => model.Now += TimeSpan.FromSeconds(s)),
        Gen.Operation<Real, Model>("timer", real => real.Breaker.Refresh(), model => model.Refresh()),
        Gen.Operation<Real, Model>("isolate", real => real.Breaker.Isolate(), model =>
        {
            if (model.State != BreakerState.Isolated) model.Move(BreakerState.Isolated);
        }),
        Gen.Operation<Real, Model>("reset", real => real.Breaker.Reset(), model =>
        {
            model.Trips = 0;
            if (model.State != BreakerState.Closed) model.Move(BreakerState.Closed);
            else model.Failures = 0;
        }),
    ];

    /// <summary>
    /// Calls and outcomes more often than commands, so that sequences reach half-open rounds, hold several probes and
    /// see the outcome of one from an earlier round.
    /// </summary>
    private static readonly GenOperation<Real, Model>[] Operations =
        [Kinds[0], Kinds[0], Kinds[0], Kinds[1], Kinds[1], Kinds[1], Kinds[2], Kinds[2], Kinds[3], Kinds[4], Kinds[4], Kinds[5], Kinds[6], Kinds[7]];

    /// <summary>The oldest permit still held, taken out; null when none is.</summary>
    private static Held? Take(List<Held> held)
    {
        if (held.Count == 0) return null;
        var first = held[0];
        held.RemoveAt(0);
        return first;
    }

    [Fact]
    public void The_breaker_follows_its_specification_on_any_sequence_of_calls_outcomes_time_and_commands() =>
        Check.SampleModelBased(NewBreaker, Operations, Same, iter: 20000, printActual: r => r.ToString(), printModel: m => m.ToString());

    [Fact]
    public void An_open_or_isolated_breaker_lets_no_call_through_and_a_half_open_one_no_more_than_its_probes_per_round() =>
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 30].Array[1, 30]).Sample((probes, waits) =>
        {
            var time = new FakeTimeProvider(Start);
            var breaker = new CircuitBreaker(new CircuitBreakerOptions { FailureThreshold = 1, FailureRatio = null, HalfOpenProbes = probes, ResetTimeout = Settings.Reset }, time);
            breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Allowed);
            var probesByRound = new Dictionary<long, int>();
            foreach (var wait in waits)
            {
                time.Advance(TimeSpan.FromSeconds(wait));
                var before = breaker.State;
                var permit = breaker.TryAcquire(out var round);
                if (before == BreakerState.Open && breaker.State == BreakerState.Open && permit != BreakerPermit.Rejected) return false;
                if (permit == BreakerPermit.Probe) probesByRound[round] = probesByRound.GetValueOrDefault(round) + 1;
                if (probesByRound.Values.Any(n => n > probes)) return false;
                if (permit == BreakerPermit.Probe && wait % 2 == 0) breaker.RecordFailure(TimeSpan.Zero, permit, round); // some probes fail: a new open period
            }
            breaker.Isolate();
            return Enumerable.Range(0, 5).All(_ =>
            {
                time.Advance(TimeSpan.FromMinutes(10));
                breaker.Refresh();
                return breaker.TryAcquire() == BreakerPermit.Rejected && breaker.State == BreakerState.Isolated;
            });
        }, iter: 2000);
}
