using System.Text.Json;
using DecisionLedger.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Dashboard.Tests;

/// <summary>The Replay button and report page (issue 17) in a real headless chromium; see the replay mode of e2e/dashboard.mjs.</summary>
public sealed class ReplayDashboardTests(ReplayDashboardTests.Fixture fixture) : IClassFixture<ReplayDashboardTests.Fixture>
{
    [BrowserFact]
    public async Task ReplayButton_OnADecision_OpensTheReportWithTheDifferingField()
    {
        Environment.SetEnvironmentVariable("DLEDGER_REPLAY_ENDPOINT", fixture.ModelUrl);

        (int exitCode, string output) = await BrowserScript.RunAsync(fixture.Collector.BaseUrl, fixture.Collector.AuditorKey, "replay");

        Assert.True(exitCode == 0, $"the replay script failed (exit {exitCode}); screenshots in {BrowserScript.ScreenshotDirectory}:\n{output}");
    }

    /// <summary>A real HTTP model (always score 0.999, label "fraud") and a collector allowed to replay against it.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private WebApplication? _model;

        public DashboardCollector Collector { get; private set; } = null!;

        public string ModelUrl { get; private set; } = string.Empty;

        public async Task InitializeAsync()
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            _model = builder.Build();
            _model.MapPost("/score", async (HttpContext context) =>
            {
                using JsonDocument input = await JsonDocument.ParseAsync(context.Request.Body);
                return Results.Json(new { label = "fraud", score = 0.999, seen = input.RootElement.ValueKind.ToString() });
            });
            await _model.StartAsync();
            ModelUrl = _model.Urls.First() + "/score";
            var options = new CollectorOptions();
            options.ReplayEndpoints.Add(ModelUrl);
            Collector = new DashboardCollector(40, null) { Options = options };
            await Collector.InitializeAsync();
        }

        public async Task DisposeAsync()
        {
            await Collector.DisposeAsync();
            if (_model is not null)
            {
                await _model.DisposeAsync();
            }
        }
    }
}
