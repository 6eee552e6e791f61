using Akka.Actor;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Micro;

/// <summary>
/// An actor that receives told call results, and a countdown a benchmark awaits: <see cref="Expect"/> arms it
/// for n results; the sink completes the task when the n-th arrives.
/// </summary>
public sealed class ResultSink
{
    private TaskCompletionSource? _done;
    private int _remaining;

    public ResultSink(ActorSystem system) => Actor = system.ActorOf(Props.Create(() => new SinkActor(this)), "sink");

    /// <summary>Where results are told.</summary>
    public IActorRef Actor { get; }

    /// <summary>Arms the countdown for <paramref name="results"/> results; the task completes when they all arrived.</summary>
    public Task Expect(int results)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _done = done;
        Volatile.Write(ref _remaining, results);
        return done.Task;
    }

    private void Received(ICallResult result)
    {
        if (result.Outcome is not (CallOutcome.Succeeded or CallOutcome.Fallback))
            throw new InvalidOperationException($"Unexpected result: {result.Outcome} {result.Reason}: {result.Detail}");
        if (Interlocked.Decrement(ref _remaining) == 0) _done!.TrySetResult();
    }

    private sealed class SinkActor : ReceiveActor
    {
        public SinkActor(ResultSink sink) => Receive<ICallResult>(sink.Received);
    }
}
