// Two nodes of one service, each an Akka.Cluster member with the orchestrator and breaker sharing (here in one process,
// on two ports; in production, two processes with the same configuration). Payments fails on node A: A's breaker
// opens on its own failures, and B's opens on A's evidence, so B answers its next call from the fallback at once,
// without calling payments. Run it: dotnet run (it prints each step, then exits).
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Hosting;
using Orchestrator.Clustering;
using Orchestrator.Contracts;

var portA = FreePort();
var seed = $"akka.tcp://shop@127.0.0.1:{portA}"; // node A is the seed; B joins it
using var nodeA = await StartNodeAsync(portA, seed);
using var nodeB = await StartNodeAsync(FreePort(), seed);
await UntilAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(nodeB.Services.GetRequiredService<ActorSystem>()).State.Members
    .Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2), "both nodes are Up");
Console.WriteLine("cluster: 2 nodes Up");

var callsA = nodeA.Services.GetRequiredService<IGuardedCalls>();
var callsB = nodeB.Services.GetRequiredService<IGuardedCalls>();
var chargesFromB = 0;

var first = await callsB.CallAsync(Charge(_ => { chargesFromB++; return Task.FromResult("charged"); }));
Console.WriteLine($"node B: {first.Outcome}: {first.Value}");

// Payments fails for node A (say, A's network path to it broke): three failures in a row open A's breaker.
for (var call = 1; call <= 3; call++)
{
    var failed = await callsA.CallAsync(Charge(_ => Task.FromException<string>(new HttpRequestException("payments is down"))));
    Console.WriteLine($"node A, call {call}: {failed.Outcome}: {failed.Value}");
}

// Node B learns it from the cluster (a direct message and a replicated map, within milliseconds).
await UntilAsync(async () => (await BreakerAsync(callsB)).State == BreakerState.Open, "node B's breaker opens");
var breakerB = await BreakerAsync(callsB);
Console.WriteLine($"node B: breaker {breakerB.State}, follows the cluster: {breakerB.FollowsCluster}");

var second = await callsB.CallAsync(Charge(_ => { chargesFromB++; return Task.FromResult("charged"); }));
Console.WriteLine($"node B: {second.Outcome}: {second.Value}; payments called by node B {chargesFromB} time(s) in all");

await nodeB.StopAsync();
await nodeA.StopAsync();

static GuardedCall<string> Charge(Func<CancellationToken, Task<string>> work) => new("payments", work)
{
    Fallback = (failure, _) => Task.FromResult($"queued ({failure.Reason})"),
};

static async Task<BreakerSnapshot> BreakerAsync(IGuardedCalls calls) =>
    (await calls.StatusAsync()).Dependencies.Single(d => d.Name == "payments").Breaker;

static async Task<IHost> StartNodeAsync(int port, string seed)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddAkka("shop", akka => akka
        .ConfigureLoggers(loggers =>
        {
            loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
            loggers.AddLoggerFactory(); // Akka's log through Microsoft.Extensions.Logging, as the host's
        })
        .WithRemoting("127.0.0.1", port)
        .WithClustering(new ClusterOptions { SeedNodes = [seed] })
        .WithOrchestrator(options => options
            .AddDependency("payments", payments =>
            {
                payments.Timeout = TimeSpan.FromSeconds(1);
                payments.Breaker.FailureThreshold = 3;
                // Two nodes: the default (Quorum, a majority) would need both to open it, so nothing would be
                // shared. AnyOpen: one node's breaker, opened on its own evidence, opens it on the other.
                payments.Cluster.Policy = ClusterPolicy.AnyOpen;
            })
            // Left at the default Quorum: the node warns, once both are Up, that two nodes never make a majority.
            .AddDependency("inventory"))
        .WithOrchestratorClustering()); // Orchestrator.Clustering: breaker state shared over Akka.DistributedData
    builder.Services.AddGuardedCalls();
    var host = builder.Build();
    await host.StartAsync();
    return host;
}

static async Task UntilAsync(Func<Task<bool>> condition, string what)
{
    var limit = DateTime.UtcNow.AddSeconds(30);
    while (!await condition())
    {
        if (DateTime.UtcNow > limit) throw new TimeoutException($"Waited 30 s for: {what}.");
        await Task.Delay(50);
    }
}

static int FreePort()
{
    using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    socket.Start();
    return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
}
