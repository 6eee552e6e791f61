using System.Collections.Concurrent;
using CsCheck;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

/// <summary>
/// The lock-free pieces of the call path checked against sequential models with CsCheck: random operations run in
/// parallel on the real object, and the outcome (its final state and every answer the operations got) must equal the
/// model's after the same operations run one at a time in some order (linearizability); random sequences run one at
/// a time must match the model step by step. The owner-only operations (the actor's) are serialised, as one actor
/// runs them.
/// </summary>
public sealed class LockFreeModelTests
{
    // ---- the bulkhead's places ------------------------------------------------------------------------------------
    //
    // Each operation is a call's whole step, as the call path takes it: a caller's fast path (a free place and nobody
    // waiting, else the call goes to the actor), a call handed to the actor (a place, else its queue: published, then
    // tried again), a running call that ends (its place given back; when calls wait, the actor is woken and starts
    // the oldest). Whatever the interleaving, the places in use and the calls waiting must come out as some order of
    // the same steps gives them: a call left waiting beside a free place (a lost wake-up) cannot.

    /// <summary>The real slots, the actor's queue as it knows it, and the places the calls hold.</summary>
    private sealed class Slots(int max)
    {
        public readonly BulkheadSlots Real = new(max);
        public readonly object Owner = new(); // the actor: one step at a time
        public int Held;
        public int Queued;
        public volatile bool Stuck; // a call waited beside a free place and nobody started it
        public override string ToString() => $"in flight {Real.InFlight}/{Real.MaxConcurrency}, queued {Queued} (published {Real.Queued}){(Stuck ? ", a call left waiting beside a free place" : "")}";

        /// <summary>The actor takes a call: a place if nobody waits and one is free, else the queue (published, then tried again).</summary>
        public void Enqueue()
        {
            lock (Owner)
            {
                if (Queued == 0 && Real.TryTake())
                {
                    Interlocked.Increment(ref Held);
                    return;
                }
                Real.PublishQueued(++Queued);
                DrainOwned();
            }
        }

        /// <summary>The actor, woken: starts its oldest calls while places are free.</summary>
        public void Drain()
        {
            lock (Owner) DrainOwned();
        }

        private void DrainOwned()
        {
            while (Queued > 0 && Real.TryTake())
            {
                Interlocked.Increment(ref Held);
                Real.PublishQueued(--Queued);
            }
        }
    }

    /// <summary>The model: places in use and calls waiting, each step atomic.</summary>
    private sealed class SlotsModel(int max)
    {
        public int InFlight;
        public int Queued;
        public readonly int Max = max;
        public override string ToString() => $"in flight {InFlight}/{Max}, queued {Queued}";

        public void Enqueue()
        {
            if (Queued == 0 && InFlight < Max) InFlight++;
            else Queued++;
        }
    }

    private static bool SameSlots(Slots real, SlotsModel model) =>
        !real.Stuck && real.Real.InFlight == model.InFlight && real.Queued == model.Queued && real.Real.Queued == model.Queued && real.Held == model.InFlight;

    private static readonly Gen<(Slots, SlotsModel)> NewSlots = Gen.Int[1, 3].Select(max => (new Slots(max), new SlotsModel(max)));

    private static readonly GenOperation<Slots, SlotsModel>[] SlotOperations =
    [
        // A caller's fast path: a free place and nobody waiting, else the call goes to the actor.
        Gen.Operation<Slots, SlotsModel>("call", real =>
        {
            if (real.Real.TryTakeAhead()) Interlocked.Increment(ref real.Held);
            else real.Enqueue();
        }, model =>
        {
            if (model.Queued == 0 && model.InFlight < model.Max) model.InFlight++;
            else model.Enqueue();
        }),
        // A call told to the actor.
        Gen.Operation<Slots, SlotsModel>("tell", real => real.Enqueue(), model => model.Enqueue()),
        // A running call ends on the caller's side: its place back, and the actor woken when calls wait.
        Gen.Operation<Slots, SlotsModel>("end", real =>
        {
            // Some running call ends. While a hand-off is under way (a place taken but not yet counted as held, or a
            // call waiting beside a free place that its waker is about to start), wait for it; a call that waits
            // beside a free place for a whole second was never woken.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                var held = Volatile.Read(ref real.Held);
                if (held > 0)
                {
                    if (Interlocked.CompareExchange(ref real.Held, held - 1, held) == held) break;
                    continue;
                }
                if (real.Real.InFlight == 0 && Volatile.Read(ref real.Queued) == 0) return; // nothing runs, nothing waits
                if (waited.Elapsed > TimeSpan.FromSeconds(1))
                {
                    real.Stuck = true;
                    return;
                }
                Thread.SpinWait(1);
            }
            if (real.Real.Release()) real.Drain();
        }, model =>
        {
            if (model.InFlight == 0) return;
            model.InFlight--;
            if (model.Queued == 0) return;
            model.Queued--;
            model.InFlight++;
        }),
    ];

    [Fact]
    public void The_bulkhead_places_follow_their_model_one_operation_at_a_time() =>
        Check.SampleModelBased(NewSlots, SlotOperations, SameSlots, iter: 2000, printActual: s => s.ToString(), printModel: m => m.ToString());

    [Fact]
    public void The_bulkhead_places_are_linearizable_and_never_lose_a_wake_up() =>
        Check.SampleParallel(NewSlots, SlotOperations, SameSlots, iter: 1000, threads: 2, printActual: s => s.ToString(), printModel: m => m.ToString());

    // ---- the breaker's board --------------------------------------------------------------------------------------

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The real board and the answers its operations got.</summary>
    private sealed class Board(int probes)
    {
        public readonly BreakerBoard Real = Published(probes);
        public readonly int Probes = probes;
        public readonly ConcurrentBag<string> Answers = [];
        public readonly object Owner = new(); // the breaker: one at a time
        public long Round = 1;
        public override string ToString() => $"{Real.State} round {Real.Round} probes left {Real.ProbesLeft}; answers {string.Join(" ", Answers.Order())}";

        private static BreakerBoard Published(int probes)
        {
            var board = new BreakerBoard();
            board.Publish(BreakerState.HalfOpen, 1, probes, null, Start);
            return board;
        }
    }

    private sealed class BoardModel(int probes)
    {
        public BreakerState State = BreakerState.HalfOpen;
        public long Round = 1;
        public int Left = probes;
        public readonly int Probes = probes;
        public readonly List<string> Answers = [];
        public override string ToString() => $"{State} round {Round} probes left {Left}; answers {string.Join(" ", Answers.Order())}";
    }

    private static bool SameBoard(Board real, BoardModel model) =>
        real.Real.State == model.State && real.Real.Round == model.Round && real.Real.ProbesLeft == model.Left
        && real.Answers.Order().SequenceEqual(model.Answers.Order());

    private static readonly Gen<(Board, BoardModel)> NewBoard = Gen.Int[1, 3].Select(probes => (new Board(probes), new BoardModel(probes)));

    private static readonly GenOperation<Board, BoardModel>[] BoardOperations =
    [
        Gen.Operation<Board, BoardModel>("take", real =>
        {
            var taken = real.Real.TryTakeProbe(out var round);
            real.Answers.Add(taken ? $"take:{round}" : "take:none");
        }, model =>
        {
            var taken = model.State == BreakerState.HalfOpen && model.Left > 0;
            if (taken) model.Left--;
            model.Answers.Add(taken ? $"take:{model.Round}" : "take:none");
        }),
        // A probe whose outcome says nothing goes back: counted only in its own round, never beyond the round's probes
        // (the round given is the one a caller read; the operation is the board's own atomic step).
        Gen.Long[1, 3].Operation<Board, BoardModel>(round => $"return:{round}", (real, round) => real.Real.ReturnProbe(round, real.Probes), (model, round) =>
        {
            if (model.State == BreakerState.HalfOpen && round == model.Round && model.Left < model.Probes) model.Left++;
        }),
        Gen.Operation<Board, BoardModel>("read", real =>
        {
            var (state, left) = real.Real.Read();
            real.Answers.Add($"read:{state}:{(state == BreakerState.HalfOpen ? left : 0)}");
        }, model => model.Answers.Add($"read:{model.State}:{(model.State == BreakerState.HalfOpen ? model.Left : 0)}")),
        // The owner opens a new half-open round (after the probes of the last one failed and the open period passed).
        Gen.Operation<Board, BoardModel>("new-round", real =>
        {
            lock (real.Owner) real.Real.Publish(BreakerState.HalfOpen, ++real.Round, real.Probes, null, Start);
        }, model =>
        {
            model.State = BreakerState.HalfOpen;
            model.Round++;
            model.Left = model.Probes;
        }),
        // The owner closes or opens the breaker.
        Gen.Bool.Operation<Board, BoardModel>(close => close ? "close" : "open", (real, close) =>
        {
            lock (real.Owner) real.Real.Publish(close ? BreakerState.Closed : BreakerState.Open, real.Round, real.Probes, close ? null : Start.AddSeconds(10), Start);
        }, (model, close) =>
        {
            model.State = close ? BreakerState.Closed : BreakerState.Open;
            model.Left = 0;
        }),
    ];

    [Fact]
    public void The_breaker_board_follows_its_model_one_operation_at_a_time() =>
        Check.SampleModelBased(NewBoard, BoardOperations, SameBoard, iter: 2000, printActual: b => b.ToString(), printModel: m => m.ToString());

    [Fact]
    public void The_breaker_board_is_linearizable() =>
        Check.SampleParallel(NewBoard, BoardOperations, SameBoard, iter: 1000, threads: 2, printActual: b => b.ToString(), printModel: m => m.ToString());
}
