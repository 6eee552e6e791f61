using System.Runtime.ExceptionServices;
using Akka.Actor;

namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>
/// A way whose callers are actors: each tells a call with itself as the sender (<paramref name="send"/>), and
/// when the reply arrives counts it and tells the next one, so that the loop runs entirely by messages (a call
/// told from an actor). <paramref name="isExpected"/> says whether a reply is the right answer.
/// </summary>
public sealed class ActorLoopWay(string name, ActorSystem system, Action<IActorRef> send, Func<object, bool> isExpected) : ThroughputWay(name)
{
    public override RunningCallers Start(int callers)
    {
        var counters = new CallerCounters(callers);
        var stop = new StopSignal();
        var actors = new IActorRef[callers];
        var done = new TaskCompletionSource[callers];
        for (var caller = 0; caller < callers; caller++)
        {
            var index = caller;
            var finished = done[caller] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            actors[caller] = system.ActorOf(Props.Create(() => new CallerActor(Name, index, counters, stop, send, isExpected, finished)));
        }
        foreach (var actor in actors) actor.Tell(CallerActor.Begin.Instance);
        return new Running(counters, stop, system, actors, done);
    }

    /// <summary>One caller: tells a call on <see cref="Begin"/> and on every expected reply until the stop; then completes its task.</summary>
    private sealed class CallerActor : ReceiveActor
    {
        public CallerActor(string way, int caller, CallerCounters counters, StopSignal stop, Action<IActorRef> send, Func<object, bool> isExpected,
            TaskCompletionSource done)
        {
            Receive<Begin>(_ => send(Self));
            ReceiveAny(reply =>
            {
                if (!isExpected(reply))
                {
                    done.TrySetException(new InvalidOperationException($"{way}: unexpected reply {reply}"));
                    return;
                }
                counters.Increment(caller);
                if (stop.IsSet) done.TrySetResult();
                else send(Self);
            });
        }

        /// <summary>Starts the loop.</summary>
        public sealed class Begin
        {
            public static readonly Begin Instance = new();

            private Begin()
            {
            }
        }
    }

    private sealed class Running(CallerCounters counters, StopSignal stop, ActorSystem system, IActorRef[] actors, TaskCompletionSource[] done)
        : RunningCallers(counters, stop)
    {
        protected override void WaitForLoops()
        {
            try
            {
                var all = Task.WhenAll(done.Select(d => d.Task));
                if (!all.Wait(StopTimeout)) throw new TimeoutException($"The caller actors did not finish within {StopTimeout.TotalSeconds:0} s of the stop.");
            }
            catch (AggregateException e)
            {
                ExceptionDispatchInfo.Throw(e.Flatten().InnerExceptions[0]);
            }
            finally
            {
                foreach (var actor in actors) system.Stop(actor);
            }
        }
    }
}
