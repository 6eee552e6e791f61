using Orchestrator.Bench.History;

var (options, error) = HistoryOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(HistoryOptions.Usage);
    return 2;
}
var report = await HistoryRun.RunAsync(options, Console.Out);
Directory.CreateDirectory(options.OutputDirectory);
await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "history.json"), report.ToJson());
await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "history.md"), report.ToMarkdown());
Console.WriteLine(report.ToMarkdown());
Console.WriteLine($"wrote {Path.Combine(options.OutputDirectory, "history.json")} and history.md");
return report.Held ? 0 : 1;
