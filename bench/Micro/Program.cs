using BenchmarkDotNet.Running;
using Orchestrator.Bench.Micro;

// Every benchmark class of this assembly; pass BenchmarkDotNet's arguments, e.g. --filter '*OpenBreaker*'.
BenchmarkSwitcher.FromAssembly(typeof(ShortJobConfig).Assembly).Run(args, new ShortJobConfig());
