using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orchestrator.Node.Api;
using Orchestrator.Node.Chaos;
using Orchestrator.Node.Configuration;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// The simulated downstream services' own HTTP server: the stand-in for separate services (payments, inventory,
/// profile...), which in a real deployment would run elsewhere. It listens on loopback only
/// (<c>127.0.0.1:Downstream:Port</c>, any free port by default), never on the node's public address: only the node
/// itself reaches it, so nobody else can record a charge, read the ledger or fill it. It shares the node's chaos
/// (<c>/api/demo/services</c> acts on it), payments ledger and clock, and its log. Started before the node's actors (their
/// probes call it) and stopped after everything else (a draining node still delivers its queued writes to it).
/// </summary>
public sealed class StandInServer(IServiceProvider node, DownstreamSettings settings, ILoggerFactory logs) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private volatile Uri? _address;

    /// <summary>Where the services listen, once started: <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Address => _address ?? throw new InvalidOperationException(
        "The simulated services are not listening yet (the node has not started); set Downstream:BaseUrl to call services elsewhere.");

    /// <summary>Whether it listens.</summary>
    public bool IsListening => _address is not null;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // An empty builder: none of the node's configuration (its URLs, its Kestrel endpoints) applies here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, settings.Port);
            kestrel.Limits.MaxRequestBodySize = InputLimits.MaxBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<ILoggerFactory>(new QuietHostLogs(logs));
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton(node.GetRequiredService<ChaosInjector>());
        builder.Services.AddSingleton(node.GetRequiredService<PaymentLedger>());
        builder.Services.AddSingleton(node.GetRequiredService<InventoryLedger>());
        builder.Services.AddSingleton(node.GetRequiredService<TimeProvider>());
        builder.Services.AddSingleton(settings);
        builder.Services.ConfigureHttpJsonOptions(o => NodeJson.Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        var app = builder.Build();
        app.UseJsonErrors();
        app.UseRouting();
        app.MapDownstreamServices();
        await app.StartAsync(cancellationToken);
        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _address = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        logs.CreateLogger<StandInServer>().LogInformation(
            "The simulated services (the stand-in for separate services) listen on {Address}, loopback only", _address);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app) await app.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app) await app.DisposeAsync();
    }

    /// <summary>
    /// The node's logs, without the web host's own information (its "Now listening on", which is the node's own
    /// address line in the log and must stay the only one); its warnings and errors still show.
    /// </summary>
    private sealed class QuietHostLogs(ILoggerFactory logs) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName.StartsWith("Microsoft.", StringComparison.Ordinal) ? new WarningsOnly(logs.CreateLogger(categoryName)) : logs.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => logs.AddProvider(provider);

        public void Dispose()
        {
            // The node's factory is the node's to dispose.
        }

        private sealed class WarningsOnly(ILogger inner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
