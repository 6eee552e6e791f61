using Orchestrator.Actors.Dependencies;

namespace Orchestrator.Tests.Policies;

/// <summary>
/// The hand-off of callers' successes to the dependency's actor while the actor stops collecting by itself, driven
/// directly on <see cref="SuccessTally"/> by two threads, round after round: the actor's timer ticks (stops
/// collecting, takes up to its mark and sees whether more came) as a caller adds a success and reads whether it must
/// tell the actor. Whatever the interleaving, the success must reach the actor: seen by the tick (which then collects
/// again), or by the caller's message. A round where neither happens leaves a success behind, out of the breaker's
/// window until some later call. Taking the batch before the actor says it stopped collecting (the wrong order) left
/// 1 168 and 1 715 behind per 200 000 rounds (two runs).
/// </summary>
public sealed class SuccessTallyStressTests
{
    private const int Rounds = 200_000;

    [Fact]
    public void A_success_added_as_the_actor_stops_collecting_always_reaches_it()
    {
        var lost = HandOff.Run(Rounds);
        Assert.True(lost == 0, $"{lost} successes left behind in {Rounds} rounds");
    }

    [Fact]
    public void A_success_while_the_actor_collects_tells_nobody_and_one_while_it_does_not_tells_it_once()
    {
        var tally = new SuccessTally();
        Assert.True(tally.Add(slow: false));  // nobody collects: tell
        var told = tally.Mark();              // the message carries this
        Assert.False(tally.Add(slow: true));  // told already
        Assert.Equal((1, 0, true), tally.TakeTold(told)); // up to the message's mark; the one after it is more to collect
        tally.StartCollecting();
        var armed = tally.Mark();             // the timer's tick carries this
        for (var i = 0; i < 10_000; i++) Assert.False(tally.Add(slow: i % 10 == 0)); // the actor's timer collects them
        Assert.Equal((1, 1, true), tally.StopCollectingAndTakeUpTo(armed));
        Assert.True(tally.Add(slow: false));  // the tick stopped collecting: tell
        Assert.Equal((10_001, 1_000, false), tally.TakeTold(tally.Mark()));
    }

    [Fact]
    public void A_failure_gets_exactly_the_successes_added_before_it_however_late_the_actor_reads_them()
    {
        var tally = new SuccessTally();
        tally.Add(slow: true);
        var beforeFailure = tally.Mark(); // a failure told now carries this
        tally.Add(slow: false);          // a later success, counted before the actor reads the failure
        tally.Add(slow: true);
        Assert.Equal((1, 1), tally.TakeUpTo(beforeFailure)); // only the one before it
        Assert.Equal((0, 0), tally.TakeUpTo(beforeFailure)); // taken once
        Assert.Equal((2, 1), tally.TakeAll());               // the later ones after it
    }

    [Fact]
    public void A_collection_read_late_takes_no_success_counted_after_the_message_was_sent()
    {
        // The timer's tick (or a caller's message) is in the mailbox; a failure is told behind it, then a success is
        // counted, all before the actor reads the tick. Taking everything there is then would put the success ahead
        // of the failure: the breaker would see S F where it was F S.
        var tally = new SuccessTally();
        tally.Add(slow: false);
        tally.StartCollecting();
        var tick = tally.Mark();
        var failure = tally.Mark();
        tally.Add(slow: false);
        Assert.Equal((1, 0, true), tally.StopCollectingAndTakeUpTo(tick)); // the one before; the later one waits
        Assert.Equal((0, 0), tally.TakeUpTo(failure));                     // the failure's own: none after the tick
        Assert.Equal((1, 0, false), tally.TakeTold(tally.Mark()));         // the later success, after the failure
    }

    /// <summary>The two threads and their rounds.</summary>
    private sealed class HandOff
    {
        private SuccessTally _tally = new();
        private int _go;
        private int _callerDone;
        private bool _callerTold;

        public static int Run(int rounds)
        {
            var run = new HandOff();
            var caller = new Thread(() => run.Caller(rounds)) { IsBackground = true, Name = "tally caller" };
            caller.Start();
            var lost = 0;
            var random = new Random(5);
            for (var round = 1; round <= rounds; round++)
            {
                // The actor collects by itself (its timer armed); nothing counted yet.
                var tally = new SuccessTally();
                tally.StartCollecting();
                var armed = tally.Mark();
                run._tally = tally;
                var pause = random.Next(0, 24);
                Volatile.Write(ref run._go, round);
                for (var i = 0; i < pause; i++) Thread.SpinWait(1);

                // The actor's timer ticks: it stops collecting by itself, takes up to its mark and sees whether more came.
                var (taken, _, more) = tally.StopCollectingAndTakeUpTo(armed);

                var spin = new SpinWait();
                while (Volatile.Read(ref run._callerDone) != round) spin.SpinOnce(sleep1Threshold: -1);
                if (taken == 0 && !more && !run._callerTold) lost++;
            }
            caller.Join();
            return lost;
        }

        private void Caller(int rounds)
        {
            var random = new Random(13);
            for (var round = 1; round <= rounds; round++)
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref _go) != round) spin.SpinOnce(sleep1Threshold: -1);
                var tally = _tally;
                var pause = random.Next(0, 24);
                for (var i = 0; i < pause; i++) Thread.SpinWait(1);
                _callerTold = tally.Add(slow: false);
                Volatile.Write(ref _callerDone, round);
            }
        }
    }
}
