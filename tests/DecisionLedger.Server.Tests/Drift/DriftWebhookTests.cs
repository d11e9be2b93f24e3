using System.Collections.Concurrent;
using System.Text.Json;
using DecisionLedger.Drift;
using DecisionLedger.Reporting;
using DecisionLedger.Server.Drift;
using DecisionLedger.Tests.Drift;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Server.Tests.Drift;

/// <summary>The drift webhook against a real HTTP listener in the test: delivered, retried after a failure, given up and counted when dead, never blocking.</summary>
public sealed class DriftWebhookTests
{
    [Fact]
    public async Task Deliver_FirstAttemptFails_RetriesAndTheListenerReceivesTheAlert()
    {
        await using var listener = await WebhookListener.StartAsync(failFirst: 1);
        using var metrics = new DriftMetrics();
        using var failures = new MeasurementRecorder("decisionledger.drift.webhook.failures");
        using var webhook = new DriftWebhook(Options(listener.Url), TimeProvider.System, metrics, NullLogger.Instance);

        bool delivered = await webhook.DeliverAsync(Alert("webhook-retry"), default);

        Assert.True(delivered);
        Assert.Equal(2, listener.Bodies.Count);
        using JsonDocument body = JsonDocument.Parse(listener.Bodies.Last());
        JsonElement root = body.RootElement;
        Assert.Equal("drift", root.GetProperty("alert").GetString());
        Assert.Equal("webhook-retry", root.GetProperty("model").GetString());
        Assert.Equal("2026-11-03T00:00:00.000000Z", root.GetProperty("window").GetProperty("start").GetString());
        Assert.Equal("input.amount", root.GetProperty("worstPath").GetString());
        Assert.Contains(root.GetProperty("paths").EnumerateArray(), p => p.GetProperty("path").GetString() == "input.amount" && p.GetProperty("psi").GetDouble() > 0.2);
        Assert.Equal(1, failures.Total(("reason", "attempt_failed")));
    }

    [Fact]
    public async Task Deliver_DeadWebhook_GivesUpAfterTheAttempts_AndCountsIt()
    {
        await using var listener = await WebhookListener.StartAsync(failFirst: int.MaxValue);
        using var metrics = new DriftMetrics();
        using var failures = new MeasurementRecorder("decisionledger.drift.webhook.failures");
        var logs = new ListLoggerProvider();
        using var webhook = new DriftWebhook(Options(listener.Url), TimeProvider.System, metrics, logs.CreateLogger("webhook"));

        bool delivered = await webhook.DeliverAsync(Alert("webhook-dead"), default);

        Assert.False(delivered);
        Assert.Equal(3, listener.Bodies.Count);
        Assert.Equal(3, failures.Total(("reason", "attempt_failed")));
        Assert.Equal(1, failures.Total(("reason", "gave_up")));
        Assert.Single(logs.Entries, e => e.EventId == 3073 && e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task TryEnqueue_QueueFull_DropsAndCountsWithoutWaiting()
    {
        DriftMonitorOptions options = Options(new Uri("http://127.0.0.1:9/"));
        options.WebhookQueueCapacity = 1;
        using var metrics = new DriftMetrics();
        using var failures = new MeasurementRecorder("decisionledger.drift.webhook.failures");
        using var webhook = new DriftWebhook(options, TimeProvider.System, metrics, NullLogger.Instance);
        DriftAlert alert = Alert("webhook-full");

        // No delivery loop runs: the first alert fills the queue, the second must come back at once.
        Assert.True(webhook.TryEnqueue(alert));
        Assert.False(webhook.TryEnqueue(alert));
        Assert.Equal(1, failures.Total(("reason", "queue_full")));
        await Task.CompletedTask;
    }

    private static DriftMonitorOptions Options(Uri url) => new() { WebhookUrl = url, WebhookAttempts = 3, WebhookBackoff = TimeSpan.Zero, WebhookTimeout = TimeSpan.FromSeconds(10) };

    private static DriftAlert Alert(string model)
    {
        var scenario = new DriftScenario().Add(800, DriftScenario.Start, TimeSpan.FromDays(2), shiftAt: DriftScenario.Start.AddDays(1)).Checkpoint();
        var spec = new DriftSpec(DriftScenario.Model, "2.0", DriftScenario.Start, DriftScenario.Start.AddDays(1), TimeSpan.FromDays(1), [DriftPath.Parse("input.amount")]);
        ReportCheckpoint checkpoint = ReportCheckpoint.OpenLatestAsync(scenario.Store, DriftScenario.Verifier).GetAwaiter().GetResult();
        DriftReport report = new DriftReportBuilder(spec).CreateAsync(scenario.Store, checkpoint).GetAwaiter().GetResult();
        return new DriftAlert(model, "2.0", Assert.Single(report.Windows), 0.2, checkpoint);
    }

    /// <summary>A real HTTP endpoint on loopback that answers 503 to its first <c>failFirst</c> posts, then 204, keeping every body.</summary>
    private sealed class WebhookListener : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _failuresLeft;

        private WebhookListener(WebApplication app, int failFirst)
        {
            _app = app;
            _failuresLeft = failFirst;
        }

        public ConcurrentQueue<string> Bodies { get; } = new();

        public Uri Url => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook");

        public static async Task<WebhookListener> StartAsync(int failFirst)
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            WebApplication app = builder.Build();
            var listener = new WebhookListener(app, failFirst);
            app.MapPost("/hook", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                listener.Bodies.Enqueue(await reader.ReadToEndAsync());
                return Interlocked.Decrement(ref listener._failuresLeft) >= 0 ? Results.StatusCode(503) : Results.NoContent();
            });
            await app.StartAsync();
            return listener;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
