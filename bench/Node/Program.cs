using Orchestrator.Bench.Node;

// Runs of the real node as its own process:
//   history [--seconds 60] [--clients 4] [--kills 4] [--seed N] [--out DIR]   the money path's history check (Jepsen-style)
//   startup [--starts 3] [--out DIR]                                       cold starts: to ready, first requests, with and without warm-up
//   restart [--orders 100000] [--out DIR]                                  start to ready on a journal of many orders, without and with a snapshot
switch (args)
{
    case ["startup", .. var rest]:
    {
        var starts = Option(rest, "--starts", 3);
        var output = Text(rest, "--out", "startup-results");
        var results = await StartupRun.StartupAsync(starts, Console.Out);
        return Write(output, "startup.md", StartupRun.Markdown(results, null));
    }
    case ["restart", .. var rest]:
    {
        var orders = Option(rest, "--orders", 100_000);
        var output = Text(rest, "--out", "startup-results");
        var restart = await StartupRun.RestartAsync(orders, Console.Out);
        return Write(output, "restart.md", StartupRun.Markdown([], restart));
    }
    case ["history", .. var rest]:
    {
        var (options, error) = HistoryOptions.Parse(rest);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(HistoryOptions.Usage);
            return 2;
        }
        var report = await HistoryRun.RunAsync(options, Console.Out);
        Directory.CreateDirectory(options.OutputDirectory);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "history.json"), report.ToJson());
        Write(options.OutputDirectory, "history.md", report.ToMarkdown());
        return report.Held ? 0 : 1;
    }
    default:
        Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Node -- history|startup|restart [options] (see Program.cs)");
        Console.Error.WriteLine(HistoryOptions.Usage);
        return 2;
}

static int Write(string directory, string file, string markdown)
{
    Directory.CreateDirectory(directory);
    File.WriteAllText(Path.Combine(directory, file), markdown);
    Console.WriteLine(markdown);
    Console.WriteLine($"wrote {Path.Combine(directory, file)}");
    return 0;
}

static int Option(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) && value > 0 ? value : fallback;
}

static string Text(string[] args, string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
