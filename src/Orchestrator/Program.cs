using Orchestrator.Contracts;
using Orchestrator.Node;
using Orchestrator.Node.Configuration;
using Serilog;

// The orchestrator node: see NodeHost. Exit codes: 0 after a clean shutdown (Ctrl-C / SIGTERM), 2 for invalid
// configuration (the message names each bad setting), 1 for any other failure at start-up.
try
{
    var app = NodeHost.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is NodeConfigurationException or OrchestratorOptionsException)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
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
