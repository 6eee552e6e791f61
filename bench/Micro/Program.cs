using BenchmarkDotNet.Running;
using Orchestrator.Bench.Micro;
using Orchestrator.Bench.Micro.Throughput;

// 'throughput' first: the closed-loop throughput runner (see ThroughputArguments.Usage).
if (args.Length > 0 && args[0].Equals(ThroughputRunner.Command, StringComparison.OrdinalIgnoreCase))
    return ThroughputRunner.Run(args[1..], Console.Out, Console.Error);

// 'throughput-plot DIR': draws DIR/throughput.png again from DIR/throughput.json, measuring nothing.
if (args is ["throughput-plot", var directory])
{
    Console.WriteLine($"wrote {ThroughputPlot.Redraw(directory)}");
    return 0;
}

// Otherwise every benchmark class of this assembly; pass BenchmarkDotNet's arguments, e.g. --filter '*OpenBreaker*'.
BenchmarkSwitcher.FromAssembly(typeof(ShortJobConfig).Assembly).Run(args, new ShortJobConfig());
return 0;
