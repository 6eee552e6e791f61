using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Orchestrator.Bench.Node;

/// <summary>
/// How a node starts: <c>startup</c> starts a cold process (nothing compiled yet) on an empty journal, several times,
/// with and without the warm-up, and times the start to ready and the first real requests after it against the
/// later ones; <c>restart</c> fills a journal with many orders, then times the start to ready reading every event
/// (no snapshot yet), and again reading the snapshot that start saved.
/// </summary>
public static class StartupRun
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>One cold start: to ready, and the homepage's first request and its later ones.</summary>
    public sealed record ColdStart(int WarmUpRounds, double ToReadyMs, double FirstMs, double SecondMs, double MedianLaterMs);

    public static async Task<IReadOnlyList<ColdStart>> StartupAsync(int starts, TextWriter progress)
    {
        var results = new List<ColdStart>();
        for (var i = 0; i < starts; i++)
            foreach (var rounds in new[] { 0, 3 })
            {
                var directory = Path.Combine(Path.GetTempPath(), $"startup-{Guid.NewGuid():N}");
                using var node = new NodeUnderTest(directory, new Dictionary<string, string> { ["Shop__WarmUpRounds"] = rounds.ToString(CultureInfo.InvariantCulture) });
                node.Start();
                if (!await node.ReadyAsync(TimeSpan.FromSeconds(120), CancellationToken.None)) throw new InvalidOperationException($"The node did not become ready; see {directory}.");
                var toReady = Stopwatch.GetElapsedTime(node.StartedAt).TotalMilliseconds;
                var times = new List<double>();
                for (var r = 0; r < 100; r++) times.Add(await TimeAsync(node.BaseAddress, $"shop/home/u-{r}"));
                var later = times.Skip(2).Order().ToList();
                var start = new ColdStart(rounds, Math.Round(toReady), Math.Round(times[0], 1), Math.Round(times[1], 1), Math.Round(later[later.Count / 2], 1));
                results.Add(start);
                await progress.WriteLineAsync($"start {i + 1}, warm-up rounds {rounds}: ready after {start.ToReadyMs} ms; homepage 1st {start.FirstMs} ms, 2nd {start.SecondMs} ms, median of 3rd to 100th {start.MedianLaterMs} ms");
                node.Stop();
                TryDelete(directory);
            }
        return results;
    }

    /// <summary>A restart on a journal of <paramref name="orders"/> orders: to ready without a snapshot, then with the one that start saved.</summary>
    public sealed record Restart(int Orders, double JournalMegabytes, double SeedSeconds, double ReplayToReadyMs, double SnapshotToReadyMs, double SnapshotMegabytes);

    public static async Task<Restart> RestartAsync(int orders, TextWriter progress)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"restart-{Guid.NewGuid():N}");
        using var node = new NodeUnderTest(directory);
        var seed = Stopwatch.StartNew();
        await JournalSeeder.SeedAsync(node.JournalPath, orders, progress);
        var seedSeconds = seed.Elapsed.TotalSeconds;
        var journalMb = new FileInfo(node.JournalPath).Length / 1048576.0;
        await progress.WriteLineAsync($"seeded {orders} orders ({orders * 3} events) in {seedSeconds:0} s; the journal is {journalMb:0} MB");

        node.Start();
        if (!await node.ReadyAsync(TimeSpan.FromMinutes(20), CancellationToken.None)) throw new InvalidOperationException($"The node did not become ready; see {directory}.");
        var replay = Stopwatch.GetElapsedTime(node.StartedAt).TotalMilliseconds;
        await progress.WriteLineAsync($"start reading every event: ready after {replay / 1000:0.0} s");
        await WaitForSnapshotAsync(node.JournalPath, TimeSpan.FromMinutes(5));
        node.Stop();

        node.Start();
        if (!await node.ReadyAsync(TimeSpan.FromMinutes(20), CancellationToken.None)) throw new InvalidOperationException($"The node did not become ready; see {directory}.");
        var snapshot = Stopwatch.GetElapsedTime(node.StartedAt).TotalMilliseconds;
        var snapshotMb = new FileInfo(node.JournalPath).Length / 1048576.0;
        await progress.WriteLineAsync($"start reading the snapshot: ready after {snapshot / 1000:0.0} s");
        node.Stop();
        TryDelete(directory);
        return new Restart(orders, Math.Round(journalMb, 1), Math.Round(seedSeconds, 1), Math.Round(replay), Math.Round(snapshot), Math.Round(snapshotMb, 1));
    }

    /// <summary>Waits until the journal holds a snapshot of the order book (saved by the start that read every event).</summary>
    private static async Task WaitForSnapshotAsync(string journal, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={journal};Mode=ReadOnly;Pooling=False"))
            {
                connection.Open();
                using var count = connection.CreateCommand();
                count.CommandText = "SELECT count(*) FROM snapshot WHERE persistence_id = 'shop-orders'";
                if ((long)count.ExecuteScalar()! > 0) return;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException("The order book saved no snapshot.");
    }

    private static async Task<double> TimeAsync(Uri node, string path)
    {
        var watch = Stopwatch.StartNew();
        using var response = await Http.GetAsync(new Uri(node, path));
        await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}.");
        return watch.Elapsed.TotalMilliseconds;
    }

    public static string Markdown(IReadOnlyList<ColdStart> starts, Restart? restart)
    {
        var text = new StringBuilder();
        if (starts.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Cold starts on {Environment.ProcessorCount} cores (each a new process on an empty journal), the homepage timed after ready:");
            text.AppendLine();
            text.AppendLine("| warm-up rounds | start to ready (ms) | 1st request (ms) | 2nd (ms) | median of 3rd to 100th (ms) |");
            text.AppendLine("| ---: | ---: | ---: | ---: | ---: |");
            foreach (var s in starts.OrderBy(s => s.WarmUpRounds))
                text.AppendLine(CultureInfo.InvariantCulture, $"| {s.WarmUpRounds} | {s.ToReadyMs:0} | {s.FirstMs:0.0} | {s.SecondMs:0.0} | {s.MedianLaterMs:0.0} |");
        }
        if (restart is { } r)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Restart on a journal of {r.Orders} paid orders ({r.Orders * 3} events, {r.JournalMegabytes} MB): start to ready reading every event {r.ReplayToReadyMs / 1000:0.0} s; " +
                $"reading the snapshot that start saved {r.SnapshotToReadyMs / 1000:0.0} s (journal then {r.SnapshotMegabytes} MB).");
        }
        return text.ToString();
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // left for the temp directory's cleanup
        }
    }
}
