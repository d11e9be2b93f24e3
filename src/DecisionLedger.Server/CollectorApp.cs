using DecisionLedger.Access;
using DecisionLedger.Ledger;
using DecisionLedger.Decisions;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Dashboard;
using DecisionLedger.Server.Endpoints;
using DecisionLedger.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace DecisionLedger.Server;

/// <summary>Builds the collector: the HTTP API of <c>dledger serve</c> over one ledger directory.</summary>
public static class CollectorApp
{
    /// <summary>
    /// Builds the collector over <paramref name="ledgerDirectory"/>, listening on <paramref name="urls"/>.
    /// Running the app opens the store and starts the recorder before the first request; stopping it
    /// (Ctrl-C, SIGTERM, <c>StopAsync</c>) lets in-flight requests finish, then drains the recorder and
    /// signs a final checkpoint.
    /// </summary>
    /// <param name="ledgerDirectory">A ledger directory made by <c>dledger init</c>; API keys and the access log live there too.</param>
    /// <param name="urls">Where to listen, e.g. <c>http://127.0.0.1:8080</c>; port 0 picks a free port.</param>
    /// <param name="options">Body limits and clock; null for the defaults (1 MiB per decision, 64 MiB per batch).</param>
    /// <param name="configure">Adjusts the builder (logging, Kestrel) before the app is built; optional.</param>
    /// <returns>The app; run it with <c>RunAsync</c> or <c>StartAsync</c>.</returns>
    /// <exception cref="DirectoryNotFoundException">No ledger is at <paramref name="ledgerDirectory"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range (<see cref="CollectorOptions.Validate"/>).</exception>
    public static WebApplication Build(string ledgerDirectory, string[] urls, CollectorOptions? options = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(ledgerDirectory);
        ArgumentNullException.ThrowIfNull(urls);
        options ??= new CollectorOptions();
        options.Validate();
        LedgerDirectory directory = LedgerDirectory.Open(ledgerDirectory);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });

        // Quiet by default, as the lowest-priority source: appsettings.json and Logging__LogLevel__* override it.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = CollectorLogging.Defaults });
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxBatchBytes, options.MaxDecisionBytes));
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(directory);

        // One limit for a decision, whether it is a whole body or one line of a batch.
        builder.Services.AddSingleton(new DecisionParser(new DecisionLimits { MaxPayloadBytes = (int)Math.Min(options.MaxDecisionBytes, int.MaxValue) }));
        builder.Services.AddSingleton(new ApiKeyStore(directory.Path, options.TimeProvider));
        builder.Services.AddSingleton(new AccessLog(directory.Path));
        builder.Services.AddSingleton<CollectorLedger>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CollectorLedger>());
        if (options.RedisBuffer is not null)
        {
            // Before the CloudEvents pairer: it starts after the buffer is connected and stops before it closes.
            builder.Services.AddSingleton<CollectorBuffer>();
            builder.Services.AddHostedService(services => services.GetRequiredService<CollectorBuffer>());
        }

        if (options.Witnessing.Enabled)
        {
            // Resolved here so a bad policy or URL stops the start with the field named.
            builder.Services.AddSingleton(options.Witnessing.Resolve("Witnessing."));
            builder.Services.AddSingleton<Witnessing.CollectorWitnessing>();
            builder.Services.AddHostedService(services => services.GetRequiredService<Witnessing.CollectorWitnessing>());
        }

        if (options.Archiving.Enabled)
        {
            // After the ledger: it stops first, waiting for a run in progress, before the recorder drains.
            builder.Services.AddSingleton<Retention.ArchiveScheduleMetrics>();
            builder.Services.AddSingleton<Retention.ScheduledArchiver>();
            builder.Services.AddHostedService(services => services.GetRequiredService<Retention.ScheduledArchiver>());
        }

        CaptureSetup.AddServices(builder.Services, options);
        IngestAdmission.AddServices(builder.Services, options);
        DashboardEndpoints.AddServices(builder.Services);
        Drift.DriftEndpoints.AddServices(builder.Services, options);

        configure?.Invoke(builder);

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        IngestAdmission.Use(app);
        DecisionEndpoints.Map(app, mapIngest: options.RedisBuffer is null);
        if (options.RedisBuffer is not null)
        {
            BufferedDecisionEndpoints.Map(app);
        }

        AuditEndpoints.Map(app);
        CaptureSetup.Map(app);
        ReportEndpoints.Map(app);
        DashboardEndpoints.Map(app);
        Tlog.TlogEndpoints.Map(app, options);
        Witnessing.WitnessEndpoints.Map(app);
        Drift.DriftEndpoints.Map(app);
        ReplayEndpoints.Map(app);
        return app;
    }
}
