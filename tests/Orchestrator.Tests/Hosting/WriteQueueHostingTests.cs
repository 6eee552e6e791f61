using Akka.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Actors.Hosting;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;
using Orchestrator.Tests.WriteQueue;

namespace Orchestrator.Tests.Hosting;

/// <summary>The write queue embedded in an Akka.Hosting application, on a SQLite file, as the README shows.</summary>
public sealed class WriteQueueHostingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"orchestrator-hosting-{Guid.NewGuid():N}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private IHost BuildHost(RecordingTarget target)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:Dependencies:ledger:Timeout"] = "00:00:02",
            ["Orchestrator:WriteQueue:DatabasePath"] = Path.Combine(_directory, "app.db"),
            ["Orchestrator:WriteQueue:BaseDelay"] = "00:00:00.050",
            ["Orchestrator:WriteQueue:MaxDelay"] = "00:00:00.100",
            ["Orchestrator:WriteQueue:MaxAttempts"] = "1000",
        });
        var section = builder.Configuration.GetSection(OrchestratorOptions.SectionName);
        builder.Services.AddAkka("write-queue-hosting", (akka, _) => akka
            .WithOrchestrator(section)
            .WithWriteQueue(section, [target]));
        builder.Services.AddWriteQueue();
        return builder.Build();
    }

    [Fact]
    public async Task An_application_stores_writes_in_its_sqlite_file_and_they_are_delivered_after_a_restart()
    {
        var down = new RecordingTarget("ledger") { Behaviour = (_, _) => throw new IOException("ledger is down") };
        string id;
        using (var host = BuildHost(down))
        {
            await host.StartAsync();
            var accepted = await host.Services.GetRequiredService<IWriteQueue>().EnqueueAsync(new EnqueueWrite("ledger", "account-1", "credit 10"));
            Assert.True(accepted.Accepted, accepted.Error);
            id = accepted.Id!;
            await host.StopAsync();
        }
        Assert.True(File.Exists(Path.Combine(_directory, "app.db")));

        var up = new RecordingTarget("ledger");
        using var again = BuildHost(up);
        await again.StartAsync();
        var queue = again.Services.GetRequiredService<IWriteQueue>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (up.Applied.Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(id, Assert.Single(up.Applied).Id);
        Assert.Equal(0, (await queue.StatusAsync()).Depth);
        await again.StopAsync();
    }

    [Fact]
    public void A_target_that_is_not_a_declared_dependency_is_refused_at_start_up()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var options = new OrchestratorOptions().AddDependency("ledger");
        var e = Assert.Throws<OrchestratorOptionsException>(() =>
            builder.Services.AddAkka("refused", (akka, _) => akka.WithOrchestrator(options).WithWriteQueue(new WriteQueueOptions(), [new RecordingTarget("mail")]))
                .BuildServiceProvider().GetRequiredService<Akka.Actor.ActorSystem>());
        Assert.Contains("The write target 'mail' is not a declared dependency", e.Message);
    }

    [Fact]
    public void The_write_queue_before_the_orchestrator_is_refused_naming_the_order()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "x");
        var e = Assert.Throws<OrchestratorOptionsException>(() => builder.WithWriteQueue(new WriteQueueOptions(), [new RecordingTarget("ledger")]));
        Assert.Contains("WithWriteQueue needs the orchestrator: call WithOrchestrator(...) before it", e.Message);
    }

    [Fact]
    public void Bad_write_queue_settings_are_refused_by_the_package_naming_each_one()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:Dependencies:ledger:Timeout"] = "00:00:02",
            ["Orchestrator:WriteQueue:MaxAttempt"] = "3",
            ["Orchestrator:WriteQueue:BaseDelay"] = "soon",
        }).Build();
        var section = configuration.GetSection(OrchestratorOptions.SectionName);
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "x").WithOrchestrator(section); // the core leaves WriteQueue alone

        var e = Assert.Throws<OrchestratorOptionsException>(() => builder.WithWriteQueue(section, [new RecordingTarget("ledger")]));
        Assert.Equal(
            [
                "Orchestrator:WriteQueue:BaseDelay: 'soon' is not a valid TimeSpan (e.g. 00:00:02).",
                "Orchestrator:WriteQueue:MaxAttempt is not a setting of Orchestrator:WriteQueue; did you mean MaxAttempts? Known: Provider, ConnectionString, " +
                "DatabasePath, AutoInitialize, PersistenceId, MaxAttempts, BaseDelay, MaxDelay, PausedDelay, MaxInFlight, DeliveryTimeout, MaxEntries, SnapshotEvery.",
            ],
            e.Errors);
    }

    [Fact]
    public void Write_queue_settings_that_bind_but_are_invalid_are_refused_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:WriteQueue:MaxAttempts"] = "0",
        }).Build();
        var section = configuration.GetSection(OrchestratorOptions.SectionName);
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "x").WithOrchestrator(o => o.AddDependency("ledger"));

        var e = Assert.Throws<OrchestratorOptionsException>(() => builder.WithWriteQueue(section, [new RecordingTarget("ledger")], q => q.PersistenceId = "ledger-writes"));
        Assert.Equal("Orchestrator:WriteQueue:MaxAttempts must be between 1 and 1000, not 0.", Assert.Single(e.Errors));
    }
}
