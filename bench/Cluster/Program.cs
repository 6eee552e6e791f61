using Orchestrator.Bench.Cluster;

return await ClusterBenchmarks.MainAsync(args);
