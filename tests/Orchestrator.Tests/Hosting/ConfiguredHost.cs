using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Hosting;

/// <summary>
/// A started host that embeds the orchestrator bound from in-memory configuration (<c>WithOrchestrator(section)</c>,
/// which watches it), with the typed client; for tests that reload that configuration and wait for what follows.
/// </summary>
internal sealed class ConfiguredHost : IAsyncDisposable
{
    /// <summary>How long a wait for an event lasts before the test fails: long, as it is reached only on failure.</summary>
    public static readonly TimeSpan EventLimit = TimeSpan.FromSeconds(30);

    private readonly IHost _host;

    private ConfiguredHost(IHost host, ConfigurationManager configuration)
    {
        _host = host;
        Configuration = configuration;
        Calls = host.Services.GetRequiredService<IGuardedCalls>();
    }

    /// <summary>The host's configuration, to change and reload.</summary>
    public ConfigurationManager Configuration { get; }

    /// <summary>The typed client.</summary>
    public IGuardedCalls Calls { get; }

    /// <summary>Starts a host whose actor system is <paramref name="name"/>, configured by <paramref name="settings"/>, then by <paramref name="code"/>.</summary>
    public static async Task<ConfiguredHost> StartAsync(string name, IDictionary<string, string?> settings, Action<OrchestratorOptions>? code = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // The coordinator would sample the whole test process (its thread pool's queue, its CPU: every test running
        // beside this one): a real-time reading of a busy run could turn the tests' calls away as a feature disabled.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Orchestrator:Stress:SampleInterval"] = "01:00:00" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAkka(name, (akka, _) =>
            akka.WithOrchestrator(builder.Configuration.GetSection(OrchestratorOptions.SectionName), code));
        builder.Services.AddGuardedCalls();
        var host = builder.Build();
        await host.StartAsync();
        return new ConfiguredHost(host, builder.Configuration);
    }

    /// <summary>Sets <paramref name="settings"/> (null removes a key) and reloads the configuration.</summary>
    public void Reload(params (string Key, string? Value)[] settings)
    {
        foreach (var (key, value) in settings) Configuration[key] = value;
        ((IConfigurationRoot)Configuration).Reload();
    }

    /// <summary>The status of <paramref name="dependency"/>.</summary>
    public async Task<DependencyStatus> StatusAsync(string dependency) =>
        (await Calls.StatusAsync()).Dependencies.Single(d => d.Name == dependency);

    /// <summary>Reads <paramref name="read"/> until it gives a value, failing after <see cref="EventLimit"/>.</summary>
    public static async Task<T> Until<T>(Func<Task<T?>> read, string what) where T : class
    {
        var limit = DateTime.UtcNow + EventLimit;
        while (true)
        {
            if (await read() is { } value) return value;
            if (DateTime.UtcNow > limit) throw new TimeoutException($"{what} within {EventLimit.TotalSeconds:0} s.");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
