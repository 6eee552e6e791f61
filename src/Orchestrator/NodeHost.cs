using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Remote.Hosting;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Composition;
using Orchestrator.Actors.Hosting;
using Orchestrator.Clustering;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;
using Orchestrator.Node.Api;
using Orchestrator.Node.Chaos;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Dashboard;
using Orchestrator.Node.Downstream;
using Orchestrator.Node.Edge;
using Orchestrator.Node.Experiments;
using Orchestrator.Node.Formation;
using Orchestrator.Node.Lifecycle;
using Orchestrator.Node.Logging;
using Orchestrator.Node.Observability;
using Orchestrator.Node.Remoting;
using Orchestrator.Node.Shop;
using Orchestrator.Node.Shop.Orders;
using Serilog;
using Serilog.Events;
using Serilog.Settings.Configuration;

namespace Orchestrator.Node;

/// <summary>
/// Builds the runnable orchestrator node: a one-node (by default) Akka.Cluster with the orchestrator, Serilog, the
/// simulated downstream services, the demo shop, and the operator API. <c>Program</c> runs it; tests start it
/// in-process with <c>--urls http://127.0.0.1:0 --Cluster:Port=0</c> and read the bound address from <c>app.Urls</c>.
/// </summary>
public static class NodeHost
{
    /// <summary>The actor system's name; seed node addresses must carry it.</summary>
    public const string ActorSystemName = "orchestrator";

    /// <summary>Where HTTP listens unless <c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>Urls</c> or <c>ASPNETCORE_HTTP_PORTS</c> say otherwise.</summary>
    public const string DefaultUrls = "http://localhost:5080";

    /// <summary>
    /// Builds the node from <paramref name="args"/>, environment variables and appsettings.json. Invalid settings
    /// throw before anything starts: <see cref="NodeConfigurationException"/> for <c>Cluster</c>, <c>Downstream</c>
    /// and <c>Shop</c>, <see cref="OrchestratorOptionsException"/> for <c>Orchestrator</c>, each naming the setting.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the binaries, wherever the node is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        var configuration = builder.Configuration;
        UseDefaultUrlsUnlessConfigured(builder);

        // Validate everything up front, so a bad setting stops the node with a message naming it.
        var settings = NodeSettings.Load(configuration, ActorSystemName);
        var experiments = ExperimentSettings.Load(configuration); // Experiments: stored experiments, reports
        var orchestratorSection = configuration.GetSection(OrchestratorOptions.SectionName);
        // Orchestrator:* (the core), Orchestrator:Cluster (Orchestrator.Clustering), Orchestrator:WriteQueue (Orchestrator.WriteQueue).
        // The demo dependencies are declared for validation only: their probes need the services, below.
        var (orchestrator, sharing, writeQueue) = OrchestratorSection.Load(orchestratorSection, o => DeclareDemoDependencies(o, client: null));
        // The write queue's SQLite file: its directory is created now, and a file that cannot be written stops the node here.
        if (WriteQueueStorage.Prepare(writeQueue) is { Count: > 0 } storageErrors) throw new OrchestratorOptionsException(storageErrors);
        PortCheck.EnsureFree($"{ClusterSettings.SectionName}:Port", settings.Cluster.Hostname, settings.Cluster.Port);
        if (settings.Cluster.Bootstrap.Enabled)
            PortCheck.EnsureFree($"{BootstrapSettings.SectionName}:ManagementPort", settings.Cluster.Hostname, settings.Cluster.Bootstrap.ManagementPort);
        PortCheck.EnsureHttpFree(builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
        var ledger = NodeStorage.OpenPaymentLedger(settings.Downstream, writeQueue);

        var joinsItself = !settings.Cluster.Bootstrap.Enabled && settings.Cluster.SeedNodes.Count == 0;
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(configuration, new ConfigurationReaderOptions(typeof(ConsoleLoggerConfigurationExtensions).Assembly))
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .Enrich.With<AkkaLogSourceEnricher>()
            .Enrich.With<TraceContextEnricher>()
            .Enrich.With<ControlCharacterEscaper>() // last: no caller's text forges a log line
            .Filter.ByExcluding(e => joinsItself && SelfJoinNotice.IsAkkaLine(e))); // the node says it joins itself instead

        builder.Services.ConfigureHttpJsonOptions(o => NodeJson.Configure(o.SerializerOptions));
        // Bounded input: bodies, request lines; a body that does not bind throws, so that ErrorResponses names the problem in JSON.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = InputLimits.MaxBodyBytes;
            kestrel.Limits.MaxRequestLineSize = InputLimits.ServerRequestLine;
            kestrel.Limits.MaxRequestHeadersTotalSize = InputLimits.MaxHeaderBytes;
            ServerRejections.Use(kestrel); // the server's own 400/431/414 answers get the JSON error body too
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddSingleton(settings.Admin);
        builder.Services.AddSingleton<OperatorAccess>();
        builder.Services.AddSingleton(settings.Cluster);
        builder.Services.AddRemotingTls(settings.Tls);
        builder.Services.AddSingleton(settings.Downstream);
        builder.Services.AddSingleton(settings.Shop);
        builder.Services.AddSingleton(new ShedRetryAfter(orchestrator.Admission.RetryAfter));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new NodeClock(TimeProvider.System)); // created now: uptime counts from start-up
        builder.Services.AddSingleton(new ChaosRegistry(DemoServices.All));
        builder.Services.AddSingleton<ChaosInjector>();
        builder.Services.AddSingleton<InventoryLedger>();
        // The simulated services' own server, loopback only: registered first, so started before the actors (their
        // probes call it) and stopped after everything else (a draining node still delivers queued writes to it).
        builder.Services.AddSingleton<StandInServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StandInServer>());
        builder.Services.AddSingleton<DownstreamBaseAddress>();
        builder.Services.AddHttpClient<DownstreamClient>(http => http.Timeout = settings.Downstream.RequestTimeout);
        builder.Services.AddTransient<ShopService>();
        builder.Services.AddTransient<CheckoutService>();
        builder.Services.AddSingleton<PaymentFailures>();
        builder.Services.AddSingleton(_ => ledger); // from a factory, so the container disposes it
        builder.Services.AddSingleton<OrderStore>();
        builder.Services.AddWriteQueue();
        builder.Services.AddDashboard(settings.Edge.DashboardStreams);
        builder.Services.AddEdgeRateLimiting(settings.Edge.RateLimit); // a fair share per client (Edge:RateLimit)

        builder.Services.AddAkka(ActorSystemName, (akka, services) =>
        {
            var cluster = settings.Cluster;
            akka.ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddSerilogLogging();
                })
                .WithRemoting(new RemoteOptions
                {
                    HostName = cluster.Hostname,
                    Port = cluster.Port,
                    PublicHostName = cluster.PublicHostname,
                }.WithTls(services)) // Remoting:Tls (RemotingTlsHosting)
                .WithClustering(new ClusterOptions
                {
                    SeedNodes = cluster.SeedNodes.ToArray(),
                    Roles = cluster.Roles.ToArray(),
                    SplitBrainResolver = new KeepMajorityOption(),
                })
                .AddHocon($"akka.cluster.split-brain-resolver.stable-after = {(long)cluster.StableAfter.TotalMilliseconds}ms", HoconAddMode.Prepend)
                // A join that has not succeeded in Cluster:JoinTimeout stops the node (exit 3: NodeExit), to be restarted afresh.
                .AddHocon("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes = " +
                    (cluster.JoinTimeout == TimeSpan.Zero ? "off" : $"{(long)cluster.JoinTimeout.TotalMilliseconds}ms"), HoconAddMode.Prepend)
                // Akka's own SIGTERM hook would run the coordinated shutdown at once, inside the signal handler,
                // before the host drains HTTP (NodeShutdown): the host's stop runs it instead, last.
                .AddHocon("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend)
                // Each probe resolves the typed client when it runs (IHttpClientFactory rotates its handlers).
                .WithOrchestrator(orchestratorSection, o => DeclareDemoDependencies(o, services.GetRequiredService<DownstreamClient>))
                .WithOrchestratorClustering(sharing) // breaker (and stress) sharing: Orchestrator.Clustering
                .WithWriteQueue(writeQueue, [new PaymentWriteTarget(services), new InventoryReleaseTarget(services)])
                .WithOrderBook(TimeProvider.System, WriteQueueStorage.Describe(writeQueue), settings.Shop.OrderSnapshotEvery)
                .WithDashboard(services); // /user/dashboard (Dashboard/DashboardHosting.cs)

            akka.AddStartup((system, _) => system.ActorOf(JournalWatch.Props(services.GetRequiredService<NodeLifecycle>(),
                services.GetRequiredService<IHostApplicationLifetime>(), services.GetRequiredService<ILoggerFactory>().CreateLogger<JournalWatch>()), "journal-watch"));
            akka.AddStartup((system, _) =>
                NodeExit.StopServingWhenTheClusterStopsTheNode(system, services.GetRequiredService<NodeLifecycle>(),
                    services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NodeExit))));

            if (cluster.Bootstrap.Enabled)
                ClusterFormation.UseBootstrap(akka, cluster);
            // No seed nodes: this node is its own seed. Joining its own address (rather than listing it as a seed)
            // works on port 0 too, where the address is only known once remoting has bound.
            else if (cluster.SeedNodes.Count == 0)
                akka.AddStartup((system, _) =>
                {
                    var self = Akka.Cluster.Cluster.Get(system);
                    services.GetRequiredService<ILoggerFactory>().CreateLogger("Orchestrator.Node.Formation")
                        .LogInformation(SelfJoinNotice.Joining, self.SelfAddress);
                    self.Join(self.SelfAddress);
                });
        });
        // After the actor system (it needs it): serves the contact point, then starts the bootstrap.
        if (settings.Cluster.Bootstrap.Enabled) builder.Services.AddHostedService<ManagementEndpoint>();
        builder.Services.AddGuardedCalls();
        builder.Services.AddChaos(); // IChaos: /api/faults
        // Registered after the actor system, so stopped before it (hosted services stop in reverse order).
        builder.Services.AddHostedService<PaymentRecovery>();
        builder.Services.AddSingleton(settings.Shutdown);
        builder.Services.AddSingleton<NodeLifecycle>();
        builder.Services.AddSingleton<ClusterReadiness>();
        builder.Services.AddSingleton(settings.Storage);
        builder.Services.AddSingleton(NodeStorage.Paths(writeQueue, ledger));
        builder.Services.AddSingleton<NodeReadiness>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeReadiness>());
        builder.Services.AddSingleton<WarmUp>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WarmUp>());
        builder.Services.AddNodeHealthChecks();
        builder.AddNodeTelemetry(); // metrics (/metrics, OTLP), traces, the degradation check
        builder.Services.AddHostedService<NodeShutdown>();
        builder.Services.LetEveryHostPastTheFrameworksFilter(); // a refused Host gets the JSON error, not an HTML page
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Shutdown.HostShutdownTimeout);
        builder.Services.AddSingleton(sp => new PageComposer(sp.GetRequiredService<IGuardedCalls>(), TimeProvider.System));

        var app = builder.Build();
        ServerRejections.Listen(app);
        app.UseSerilogRequestLogging(o => o.GetLevel = RequestLevel);
        app.UseJsonErrors();
        app.UseAllowedHosts(configuration);
        app.UseStopGate();
        app.UseRateLimiter(); // before routing: a client over its share costs the node almost nothing
        app.UseRouting();
        app.UseIdLimits();
        if (!settings.Admin.HasToken)
            app.Logger.LogWarning("Admin:Token is not set: the operator endpoints that change something (chaos, features, breaker commands, the write queue's poison list) answer only callers on this machine (loopback); set Admin:Token (Admin__Token) to require a bearer token instead");
        app.MapHealth();
        app.MapNodeTelemetry();
        app.MapStatusApi();
        app.MapFeatureApi();
        app.MapChaosApi();
        app.MapFaultApi(orchestrator);
        app.MapNodeKill(orchestrator);
        app.MapExperimentApi(experiments);
        app.MapShop();
        app.MapWriteQueueApi();
        app.MapDashboard();
        app.MapGet("/", () => Results.Ok(new
        {
            node = ActorSystemName,
            endpoints = new[]
            {
                "GET /health", "GET /health/live", "GET /health/ready", "GET /health/degradation", "GET /metrics", "GET /dashboard", "GET /dashboard/events", "GET /api/status", "POST /api/dependencies/{name}/isolate", "POST /api/dependencies/{name}/reset",
                "GET /api/features", "PUT /api/features/{name}",
                "GET /api/demo/services", "GET|POST|DELETE /api/demo/services/{dependency}",
                "GET /api/faults", "POST|DELETE /api/faults/{dependency}", "POST /api/node/kill",
                "GET /api/experiments", "POST /api/experiments/run?name={name}",
                "GET /shop/home/{userId}?deadlineMs=800", "GET /shop/product/{productId}", "POST /shop/checkout (Idempotency-Key)", "GET /shop/orders/{orderId}",
                "GET /shop/orders?status=pending_payment|paid|payment_failed&limit=100 (operator)",
                "GET /api/write-queue", "GET /api/write-queue/poison", "POST /api/write-queue/poison/{id}/redrive", "DELETE /api/write-queue/poison/{id}",
            },
        }));
        return app;
    }

    /// <summary>
    /// Every demo service is a guarded dependency even when configuration leaves it out (it then gets the
    /// defaults); configuration may still change any of its settings. Their breakers ignore a 504 given because the
    /// request's deadline had passed (<see cref="DownstreamDeadlineException"/>): that is the caller running out of
    /// time, not the service failing. Each gets a health probe (its <c>/downstream/health/{service}</c> through
    /// <paramref name="client"/>), so its breaker recovers without traffic; null <paramref name="client"/>: no probes
    /// (the options are only validated).
    /// </summary>
    private static void DeclareDemoDependencies(OrchestratorOptions options, Func<DownstreamClient>? client)
    {
        var deadlinePassed = typeof(DownstreamDeadlineException).FullName!;
        foreach (var name in DemoServices.All)
            options.AddDependency(name, d =>
            {
                if (d.Breaker?.IgnoredExceptions is { } ignored && !ignored.Contains(deadlinePassed)) ignored.Add(deadlinePassed);
                if (client is not null) d.Probe ??= ct => client().CheckHealthAsync(name, ct);
            });
    }

    /// <summary>
    /// Listens on <see cref="DefaultUrls"/> unless the usual ASP.NET settings choose: a default in appsettings.json
    /// would win over <c>ASPNETCORE_URLS</c> (appsettings is read after the ASPNETCORE_ variables), this does not.
    /// </summary>
    private static void UseDefaultUrlsUnlessConfigured(WebApplicationBuilder builder)
    {
        var c = builder.Configuration;
        if (string.IsNullOrWhiteSpace(c["urls"]) && string.IsNullOrWhiteSpace(c["http_ports"]) && string.IsNullOrWhiteSpace(c["https_ports"])
            && !c.GetSection("Kestrel:Endpoints").Exists())
            builder.WebHost.UseUrls(DefaultUrls);
    }

    private static LogEventLevel RequestLevel(HttpContext context, double elapsedMs, Exception? error)
    {
        // The node's own warm-up requests are not news.
        if (context.Request.Headers.ContainsKey(WarmUp.Header)) return LogEventLevel.Debug;
        // A client over its share is reported by EdgeRejections (at most every few seconds), never once per request.
        if (context.Response.StatusCode == StatusCodes.Status429TooManyRequests) return LogEventLevel.Debug;
        // Readiness is 503 by design while the node joins, stops or is cut off: the node logs those changes itself.
        if (context.Request.Path.StartsWithSegments("/health") && error is null) return LogEventLevel.Debug;
        if (error is not null || context.Response.StatusCode >= 500) return LogEventLevel.Warning;
        // Health probes are called constantly: keep them out of the normal log.
        return context.Request.Path.StartsWithSegments("/health") ? LogEventLevel.Debug : LogEventLevel.Information;
    }
}
