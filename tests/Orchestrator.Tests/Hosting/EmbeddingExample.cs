using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Hosting;

/// <summary>The README's embedding example, compiled and run by <see cref="HostingTests"/> so that it cannot rot.</summary>
public static class EmbeddingExample
{
    public static async Task<CallResult<string>> RunAsync(string[] args, Func<CancellationToken, Task<string>> chargeAsync)
    {
        // begin README example
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddAkka("shop", akka => akka
            .WithOrchestrator(options => options
                .AddDependency("payments", payments =>
                {
                    payments.Timeout = TimeSpan.FromSeconds(2);
                    payments.Bulkhead.MaxConcurrency = 20;
                    payments.Breaker.FailureThreshold = 5;
                })));
        builder.Services.AddGuardedCalls();
        using var host = builder.Build();
        await host.StartAsync();

        var calls = host.Services.GetRequiredService<IGuardedCalls>();
        var result = await calls.CallAsync(new GuardedCall<string>("payments", ct => chargeAsync(ct))
        {
            Fallback = (failure, _) => Task.FromResult($"queued ({failure.Reason})"),
        });
        Console.WriteLine(result); // Succeeded, or Fallback with the reason: BreakerOpen, BulkheadFull, Timeout, Error...
        // end README example

        await host.StopAsync();
        return result;
    }
}
