using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Hosting;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Hosting;

public sealed class HostingTests
{
    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAkka("hosting-test", (akka, _) =>
            akka.WithOrchestrator(builder.Configuration.GetSection(OrchestratorOptions.SectionName)));
        builder.Services.AddGuardedCalls();
        return builder.Build();
    }

    [Fact]
    public void Registering_the_clients_twice_registers_each_once()
    {
        var services = new ServiceCollection();
        services.AddGuardedCalls().AddGuardedCalls();
        services.AddWriteQueue().AddWriteQueue();
        Assert.Single(services, d => d.ServiceType == typeof(IGuardedCalls));
        Assert.Single(services, d => d.ServiceType == typeof(IWriteQueue));
    }

    [Fact]
    public async Task The_orchestrator_starts_from_configuration_and_serves_guarded_calls()
    {
        using var host = BuildHost(new()
        {
            ["Orchestrator:Dependencies:payments:Timeout"] = "00:00:02",
            ["Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency"] = "4",
            ["Orchestrator:Dependencies:payments:Breaker:FailureThreshold"] = "2",
            ["Orchestrator:Dependencies:inventory:Bulkhead:QueueCapacity"] = "0",
        });
        await host.StartAsync();
        try
        {
            var calls = host.Services.GetRequiredService<IGuardedCalls>();
            var ok = await calls.CallAsync("payments", _ => Task.FromResult("paid"));
            Assert.Equal(CallOutcome.Succeeded, ok.Outcome);
            Assert.Equal("paid", ok.Value);

            for (var i = 0; i < 2; i++)
                await calls.CallAsync<string>("payments", _ => throw new HttpRequestException("down"));
            var status = await calls.StatusAsync();
            var payments = Assert.Single(status.Dependencies, d => d.Name == "payments");
            Assert.Equal(BreakerState.Open, payments.Breaker.State);
            Assert.Equal(4, payments.Bulkhead.MaxConcurrency);
            Assert.Equal(TimeSpan.FromSeconds(2), payments.DefaultTimeout);
            Assert.Equal(0, Assert.Single(status.Dependencies, d => d.Name == "inventory").Bulkhead.QueueCapacity);

            Assert.Equal(BreakerState.Closed, (await calls.ResetAsync("payments")).State);
            var unknown = await calls.IsolateAsync("nope");
            Assert.False(unknown.Accepted);
            Assert.Null(unknown.State);
            Assert.Contains("'nope'", unknown.Error);
            Assert.Contains("payments", unknown.Error);

            var missing = await calls.CallAsync("nope", _ => Task.FromResult(1));
            Assert.Equal(DegradationReason.UnknownDependency, missing.Reason);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_orchestrator_starts_from_an_appsettings_json_file()
    {
        var dir = Directory.CreateTempSubdirectory("orchestrator-hosting-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "appsettings.json"), """
                {
                  "Orchestrator": {
                    "Dependencies": {
                      "profile": { "Timeout": "00:00:01.500", "Bulkhead": { "MaxConcurrency": 3, "QueueCapacity": 7 } },
                      "reviews": { "Breaker": { "ResetTimeout": "00:00:20", "IgnoredExceptions": [ "System.ArgumentException" ] } }
                    }
                  }
                }
                """);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dir.FullName });
            builder.Configuration.AddJsonFile(Path.Combine(dir.FullName, "appsettings.json"));
            builder.Services.AddAkka("appsettings-test", (akka, _) => akka.WithOrchestrator(builder.Configuration.GetSection("Orchestrator")));
            builder.Services.AddGuardedCalls();
            using var host = builder.Build();
            await host.StartAsync();
            var status = await host.Services.GetRequiredService<IGuardedCalls>().StatusAsync();
            Assert.Equal(["profile", "reviews"], status.Dependencies.Select(d => d.Name));
            Assert.Equal(TimeSpan.FromMilliseconds(1500), status.Dependencies[0].DefaultTimeout);
            Assert.Equal(7, status.Dependencies[0].Bulkhead.QueueCapacity);
            var ignored = await host.Services.GetRequiredService<IGuardedCalls>()
                .CallAsync<int>("reviews", _ => throw new ArgumentNullException("id"));
            Assert.Equal(CallOutcome.Refused, ignored.Outcome); // the caller's own fault: refused, never the dependency's failure
            await host.StopAsync();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_coordinator_starts_with_the_features_and_shedder_from_configuration()
    {
        using var host = BuildHost(new()
        {
            ["Orchestrator:Dependencies:recommendations:Timeout"] = "00:00:01",
            ["Orchestrator:Features:recommendations:Tier"] = "Optional",
            ["Orchestrator:Features:recommendations:Dependency"] = "recommendations",
            ["Orchestrator:Features:checkout:Tier"] = "Critical",
            ["Orchestrator:Admission:Enabled"] = "true",
            ["Orchestrator:Admission:Limit"] = "50",
        });
        await host.StartAsync();
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var coordinator = await host.Services.GetRequiredService<IRequiredActor<Orchestrator.Actors.Coordination.PriorityCoordinator>>().GetAsync(patience.Token);
            var status = await coordinator.Ask<DegradationStatus>(Orchestrator.Actors.Coordination.GetDegradation.Instance, TimeSpan.FromSeconds(5));
            Assert.Equal(StressLevel.Normal, status.Level);
            Assert.Equal(["checkout", "recommendations"], status.Features.Select(f => f.Name).Order());
            Assert.Equal(Tier.Optional, status.Features.Single(f => f.Name == "recommendations").Tier);
            Assert.Equal(50, status.Admission!.Limit);
            Assert.Equal(25, status.Admission.OptionalCap);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_feature_leaning_on_an_undeclared_dependency_is_refused_at_start()
    {
        using var host = BuildHost(new() { ["Orchestrator:Features:recs:Dependency"] = "recommendations" });
        var error = await Assert.ThrowsAsync<OrchestratorOptionsException>(() => host.StartAsync());
        Assert.Contains("Orchestrator:Features:recs:Dependency names 'recommendations', which is not a declared dependency", error.Message);
    }

    [Theory]
    [InlineData("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency", "0", "Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency must be at least 1, not 0")]
    [InlineData("Orchestrator:Dependencies:payments:Timeout", "-00:00:01", "Orchestrator:Dependencies:payments:Timeout must be positive and at most 1.00:00:00, not -00:00:01")]
    [InlineData("Orchestrator:Dependencies:payments:Breaker:FailureRatio", "1.5", "Orchestrator:Dependencies:payments:Breaker:FailureRatio must be in (0, 1]")]
    [InlineData("Orchestrator:Dependencies:payments:Timeout", "soon", "Orchestrator:Dependencies:payments:Timeout")]
    [InlineData("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurency", "3", "MaxConcurency")]
    [InlineData("Orchestrator:Dependencies:pay ments:Timeout", "00:00:01", "'pay ments' is not valid")]
    public async Task Bad_configuration_is_refused_at_start_naming_the_setting(string key, string value, string expected)
    {
        using var host = BuildHost(new() { [key] = value });
        var error = await Assert.ThrowsAsync<OrchestratorOptionsException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Options_declared_in_code_are_validated_when_added()
    {
        var error = Assert.Throws<OrchestratorOptionsException>(() =>
            new AkkaConfigurationBuilder(new ServiceCollection(), "x").WithOrchestrator(o => o.AddDependency("payments", d => d.Bulkhead.QueueCapacity = -1)));
        Assert.Contains("Orchestrator:Dependencies:payments:Bulkhead:QueueCapacity must be 0 or more, not -1", error.Message);
    }
}
