using Orchestrator.Actors.Bulkhead;

namespace Orchestrator.Tests.Policies;

/// <summary>
/// The hand-off of a bulkhead place between a caller that gives one back and the actor that queues a call at the
/// same moment, driven directly on <see cref="BulkheadSlots"/> by two threads, round after round: the actor
/// publishes its queue and tries to take the place for the call; the caller gives the place back and reads whether
/// calls wait. Whatever the interleaving, one of the two must start the queued call (the actor's own try succeeds,
/// or the caller sees it waiting and wakes the actor). A round where neither does is a lost wake-up: the call would
/// wait for the next release, or for its timeout. With the queue length published by a plain volatile store, the
/// two threads read each other's old values (store buffering) thousands of times per million rounds.
/// </summary>
public sealed class SlotHandOffStressTests
{
    private const int Rounds = 200_000;

    [Fact]
    public void A_place_given_back_as_a_call_is_queued_always_starts_it()
    {
        var lost = HandOff.Run(Rounds, out var both);
        Assert.True(lost == 0, $"{lost} wake-ups lost in {Rounds} rounds (in {both} both sides saw the call)");
    }

    /// <summary>The two threads and their rounds.</summary>
    private sealed class HandOff
    {
        private BulkheadSlots _slots = new(1);
        private int _go;        // the round both threads may start
        private int _callerDone; // the last round the caller finished
        private bool _callerSawWaiting;

        public static int Run(int rounds, out int both)
        {
            var run = new HandOff();
            var caller = new Thread(() => run.Caller(rounds)) { IsBackground = true, Name = "hand-off caller" };
            caller.Start();
            var lost = 0;
            both = 0;
            var random = new Random(7);
            for (var round = 1; round <= rounds; round++)
            {
                // A new bulkhead with its one place taken, nothing queued.
                var slots = new BulkheadSlots(1);
                if (!slots.TryTake()) throw new InvalidOperationException("a new bulkhead had no place");
                run._slots = slots;
                var pause = random.Next(0, 24);
                Volatile.Write(ref run._go, round);
                for (var i = 0; i < pause; i++) Thread.SpinWait(1);

                // The actor: queues a call (publishes the queue), then tries to take a place for it.
                slots.PublishQueued(1);
                var actorStarted = slots.TryTake();

                var spin = new SpinWait();
                while (Volatile.Read(ref run._callerDone) != round) spin.SpinOnce(sleep1Threshold: -1);
                if (!actorStarted && !run._callerSawWaiting) lost++;
                if (actorStarted && run._callerSawWaiting) both++; // they overlapped: the caller's wake-up finds nothing to start
            }
            caller.Join();
            return lost;
        }

        private void Caller(int rounds)
        {
            var random = new Random(11);
            for (var round = 1; round <= rounds; round++)
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref _go) != round) spin.SpinOnce(sleep1Threshold: -1);
                var slots = _slots;
                var pause = random.Next(0, 24);
                for (var i = 0; i < pause; i++) Thread.SpinWait(1);

                // The caller: gives its place back, and wakes the actor when a call waits.
                _callerSawWaiting = slots.Release();
                Volatile.Write(ref _callerDone, round);
            }
        }
    }
}
