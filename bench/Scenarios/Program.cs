using Orchestrator.Bench.Scenarios;

return await ScenarioRunner.MainAsync(args, Console.Out, Console.Error);
