using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.WriteQueue;

public sealed class WriteQueueStoreFailureTests(ITestOutputHelper output) : WriteQueueTestBase(output, """
    akka.persistence.journal.failing.class = "Orchestrator.Tests.WriteQueue.FailingJournal, Orchestrator.Tests"
    akka.persistence.journal.plugin = "akka.persistence.journal.failing"
    """)
{
    [Fact]
    public void When_the_write_cannot_be_stored_the_caller_gets_an_error_naming_the_problem_never_an_acceptance()
    {
        var queue = StartQueue();
        queue.Tell(new EnqueueWrite(Ledger, "k", "x"), TestActor);

        var failed = ExpectMsg<EnqueueFailed>(Patience);
        Assert.Contains("could not be stored in the test journal", failed.Error);
        Assert.Contains("database or disk is full", failed.Error);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, Target.TotalAttempts);
    }

    [Fact]
    public void Writes_held_back_while_the_failing_write_was_stored_are_answered_with_an_error_too()
    {
        var deadLetters = Sys.ActorOf(Orchestrator.WriteQueue.WriteQueueDeadLetters.Props());
        // It subscribes in PreStart: wait until it runs, or the queue may fail before anyone listens.
        deadLetters.Tell(new Akka.Actor.Identify(null), TestActor);
        ExpectMsg<Akka.Actor.ActorIdentity>(Patience);
        var queue = StartQueue();
        for (var i = 0; i < 3; i++) queue.Tell(new EnqueueWrite(Ledger, "k", $"{i}"), TestActor);

        var answers = Enumerable.Range(0, 3).Select(_ => ExpectMsg<EnqueueFailed>(Patience).Error).ToList();
        Assert.Single(answers, a => a.Contains("database or disk is full"));
        Assert.Equal(2, answers.Count(a => a.Contains("the write queue stopped")));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
