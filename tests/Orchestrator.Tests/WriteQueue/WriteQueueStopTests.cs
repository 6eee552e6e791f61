using Akka.Actor;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.WriteQueue;

/// <summary>
/// When the host stops, the queue starts no more deliveries, waits (bounded) for those in flight, and still accepts
/// writes: everything it holds is delivered after the next start.
/// </summary>
public sealed class WriteQueueStopTests(ITestOutputHelper output) : WriteQueueTestBase(output)
{
    [Fact]
    public void The_answer_waits_for_the_delivery_in_flight_and_a_success_is_recorded()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Target.Behaviour = (w, _) => w.Payload == "first" ? release.Task : Task.CompletedTask;
        var queue = StartQueue();
        Enqueue(queue, "k", "first");
        Enqueue(queue, "k", "second");
        WaitUntil(() => StatusOf(queue).InFlight == 1, "the first write is in flight");

        queue.Tell(new StopDeliveries(TimeSpan.FromSeconds(10)), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        release.SetResult();
        var stopped = ExpectMsg<DeliveriesStopped>(Patience);
        Assert.Equal((1, 0), (stopped.Depth, stopped.StillInFlight)); // "second" waits for the next start
        Assert.Equal(["first"], Target.PayloadsOf("k"));

        Kill(queue);
        var again = StartQueue();
        WaitUntil(() => StatusOf(again).Depth == 0, "the next start delivers the rest");
        Assert.Equal(["first", "second"], Target.PayloadsOf("k"));
        Assert.Equal(1, Target.AttemptsOf(Target.Applied[0].IdempotencyKey));
    }

    [Fact]
    public void A_delivery_still_running_when_the_wait_is_over_is_reported_and_delivered_after_the_next_start()
    {
        Target.Behaviour = (_, attempt) => attempt == 1 ? new TaskCompletionSource().Task : Task.CompletedTask;
        Options.DeliveryTimeout = TimeSpan.FromMinutes(10);
        var queue = StartQueue();
        var id = Enqueue(queue, "k", "x");
        WaitUntil(() => StatusOf(queue).InFlight == 1, "the write is in flight");

        queue.Tell(new StopDeliveries(TimeSpan.FromSeconds(3)), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Advance(TimeSpan.FromSeconds(3));
        var stopped = ExpectMsg<DeliveriesStopped>(Patience);
        Assert.Equal((1, 1), (stopped.Depth, stopped.StillInFlight));

        Kill(queue);
        var again = StartQueue();
        WaitUntil(() => StatusOf(again).Depth == 0, "the next start delivers it");
        Assert.Equal(2, Target.AttemptsOf(id));
    }

    [Fact]
    public void A_failure_while_stopping_is_not_counted_as_an_attempt()
    {
        var fail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Target.Behaviour = (_, attempt) => attempt == 1 ? fail.Task : Task.CompletedTask;
        Options.MaxAttempts = 1; // a counted attempt would poison the write
        var queue = StartQueue();
        Enqueue(queue, "k", "x");
        WaitUntil(() => StatusOf(queue).InFlight == 1, "the write is in flight");

        queue.Tell(new StopDeliveries(TimeSpan.FromSeconds(10)), TestActor);
        fail.SetException(new IOException("connection refused: the host's own server has stopped"));
        var stopped = ExpectMsg<DeliveriesStopped>(Patience);
        Assert.Equal((1, 0), (stopped.Depth, stopped.StillInFlight));
        Assert.Empty(PoisonOf(queue).Entries);
        Assert.Equal(1, StatusOf(queue).Depth);
    }

    [Fact]
    public void Writes_are_accepted_and_stored_but_not_delivered_and_a_second_ask_is_answered_at_once()
    {
        var queue = StartQueue();
        queue.Tell(new StopDeliveries(TimeSpan.FromSeconds(3)), TestActor);
        Assert.Equal(new DeliveriesStopped(0, 0), ExpectMsg<DeliveriesStopped>(Patience));

        Enqueue(queue, "k", "late");
        Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, Target.TotalAttempts);
        Assert.Equal(1, StatusOf(queue).Depth);
        queue.Tell(new StopDeliveries(TimeSpan.FromSeconds(3)), TestActor);
        Assert.Equal(1, ExpectMsg<DeliveriesStopped>(Patience).Depth);

        Kill(queue);
        var again = StartQueue();
        WaitUntil(() => StatusOf(again).Depth == 0, "the next start delivers it");
        Assert.Equal(["late"], Target.PayloadsOf("k"));
    }
}
