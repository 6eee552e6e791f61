using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

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
var paymentsUp = true;
Task<string> ChargeAsync(CancellationToken ct) => paymentsUp
    ? Task.FromResult("charged")
    : Task.FromException<string>(new HttpRequestException("payments is down"));

for (var call = 1; call <= 8; call++)
{
    if (call == 3) paymentsUp = false; // payments fails from the third call on
    await Task.Delay(100); // one call every 100 ms, as requests would come
    var result = await calls.CallAsync(new GuardedCall<string>("payments", ChargeAsync)
    {
        Fallback = (failure, _) => Task.FromResult($"queued ({failure.Reason})"),
    });
    Console.WriteLine($"call {call}: {result.Outcome}: {result.Value}");
}
// call 1: Succeeded: charged ... call 3: Fallback: queued (Error) ... call 8: Fallback: queued (BreakerOpen)

await host.StopAsync();
