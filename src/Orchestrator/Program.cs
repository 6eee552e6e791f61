using Orchestrator.Contracts;
using Orchestrator.Node;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Lifecycle;
using Serilog;

// The orchestrator node: see NodeHost. Exit codes: 0 after a clean shutdown (Ctrl-C / SIGTERM), 2 for invalid
// configuration (the message names each bad setting) or storage that cannot be used (a journal that cannot be read,
// named), 3 when the cluster downed or removed the node (a restart policy starts it again), 1 for any other failure
// (a port in use, ...).
// A container's health check: `dotnet Orchestrator.dll --health-check http://127.0.0.1:5080/health/ready` exits 0
// when the address answers 200 within 3 s, else 1 (no curl in the runtime image).
if (args is ["--health-check", var url]) return await HealthProbe.RunAsync(url);
// Chaos experiments (docs/chaos.md): `experiment run FILE [--target URL]`, `experiment list`.
if (args is ["experiment", .. var experimentArgs]) return await Orchestrator.Node.Experiments.ExperimentCommand.RunAsync(experimentArgs);

try
{
    var app = NodeHost.Build(args);
    var lifecycle = app.Services.GetRequiredService<NodeLifecycle>(); // read after the run, when the services are disposed
    await app.RunAsync();
    var code = lifecycle.ExitCode;
    if (code == NodeExit.RemovedByCluster) await Console.Error.WriteLineAsync($"The orchestrator node stopped because the cluster downed or removed it; exit code {code}.");
    else if (code == NodeExit.UnreadableStore) await Console.Error.WriteLineAsync($"The orchestrator node stopped because a journal cannot be read (see the log); exit code {code}.");
    return code;
}
catch (Exception e) when (e is NodeConfigurationException or OrchestratorOptionsException)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
catch (PortInUseException e)
{
    await Console.Error.WriteLineAsync($"The orchestrator node failed: {e.Message}");
    return 1;
}
catch (Exception e)
{
    // The host has logged the details already (a port in use, ...); say in one line why the process ends.
    Log.Fatal(e, "The orchestrator node failed");
    await Console.Error.WriteLineAsync($"The orchestrator node failed: {e.GetType().Name}: {e.Message}");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
