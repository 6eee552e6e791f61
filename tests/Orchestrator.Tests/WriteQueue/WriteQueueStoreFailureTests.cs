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

        var failed = ExpectMsg<EnqueueFailed>(TimeSpan.FromSeconds(5));
        Assert.Contains("could not be stored in the test journal", failed.Error);
        Assert.Contains("database or disk is full", failed.Error);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, Target.TotalAttempts);
    }
}
