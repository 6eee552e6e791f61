using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Orchestrator.Node.Tests;

/// <summary>
/// A stop that drains: keep-alive clients in flight through three SIGTERMs of a real node process, clients as plain
/// as a script's (one connection reused until an answer closes it, no retry of their own, honouring Retry-After).
/// Every request that reached the node is answered (served, or refused with the stopping 503); none ends in a closed
/// connection; each stop takes no more than 10 s with the default settings.
/// </summary>
[Collection(nameof(CrashSafetyCollection))]
public sealed class DrainTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"orchestrator-drain-{Guid.NewGuid():N}");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Keep_alive_clients_are_answered_through_every_stop_and_none_is_cut_off()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // SIGTERM is a POSIX signal
        for (var stop = 1; stop <= 3; stop++)
        {
            using var node = NodeProcess.Start(
            [
                "--urls", "http://127.0.0.1:0", "--Cluster:Hostname=127.0.0.1", "--Cluster:Port=0", "--Serilog:MinimumLevel:Default=Warning",
                "--Orchestrator:Stress:SampleInterval=01:00:00", $"--Orchestrator:WriteQueue:DatabasePath={Path.Combine(_directory, "node.db")}",
            ], new Dictionary<string, string>());
            var address = await node.ReadyAsync(TimeSpan.FromSeconds(60));
            var outcomes = new ConcurrentQueue<(KeepAliveClient.Outcome Outcome, int Status, bool Closes, bool AfterTerm)>();
            var termSent = 0;
            using var done = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
            {
                using var client = new KeepAliveClient(address);
                var refusedSince = (Stopwatch?)null;
                for (var i = 0; !done.IsCancellationRequested; i++)
                {
                    var (outcome, status, closes) = await client.GetAsync(c % 2 == 0 ? $"/shop/product/p-10{i % 10}" : "/api/features", done.Token);
                    outcomes.Enqueue((outcome, status, closes, Volatile.Read(ref termSent) == 1));
                    // Once the node has closed its listener, a client finds nobody there; it gives up a second later.
                    if (outcome == KeepAliveClient.Outcome.Refused && Volatile.Read(ref termSent) == 1) refusedSince ??= Stopwatch.StartNew();
                    if (refusedSince?.Elapsed > TimeSpan.FromSeconds(1)) return;
                    // A 503 says Retry-After: 1, which a client honours; otherwise it goes on at once.
                    await Task.Delay(status == 503 ? 1000 : outcome == KeepAliveClient.Outcome.Refused ? 50 : 20);
                }
            })).ToList();

            await Poll.UntilAsync(() => Task.FromResult(outcomes.Count), n => n >= 100, "the clients are served", TimeSpan.FromSeconds(30));
            var clock = Stopwatch.StartNew();
            Volatile.Write(ref termSent, 1);
            node.Terminate();
            Assert.Equal(0, await node.ExitCodeAsync(TimeSpan.FromSeconds(25)));
            var took = clock.Elapsed;
            done.CancelAfter(TimeSpan.FromSeconds(5));
            await Task.WhenAll(clients);

            var after = outcomes.Where(o => o.AfterTerm).ToList();
            output.WriteLine($"stop {stop}: {took.TotalSeconds:0.0} s; after SIGTERM {after.Count(o => o.Outcome == KeepAliveClient.Outcome.Answered)} answered " +
                $"({after.Count(o => o.Status == 503)} with the stopping 503, {after.Count(o => o.Closes)} closing), " +
                $"{after.Count(o => o.Outcome == KeepAliveClient.Outcome.Refused)} refused before they reached the node, " +
                $"{outcomes.Count(o => o.Outcome == KeepAliveClient.Outcome.CutOff)} cut off");
            Assert.DoesNotContain(outcomes, o => o.Outcome == KeepAliveClient.Outcome.CutOff);
            Assert.All(outcomes.Where(o => o.Outcome == KeepAliveClient.Outcome.Answered), o => Assert.Contains(o.Status, new[] { 200, 503 }));
            // The drain was seen: answers after the SIGTERM, each closing its connection.
            Assert.Contains(after, o => o is { Outcome: KeepAliveClient.Outcome.Answered, Status: 200, Closes: true });
            Assert.True(took <= TimeSpan.FromSeconds(10), $"the stop took {took.TotalSeconds:0.0} s");
        }
    }
}
