using System.Globalization;
using System.Net;
using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Decisions;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Server;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Drift;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Dashboard.Tests;

/// <summary>
/// The drift panel in a real headless chromium against a real collector watching <c>drift_model</c>: a baseline day,
/// then a day of six-hour windows whose amounts triple from noon (see the <c>drift</c> mode of e2e/dashboard.mjs).
/// </summary>
public sealed class DriftPanelTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dledger-drift-dashboard-" + Path.GetRandomFileName());
    private WebApplication? _app;
    private string _baseUrl = "";
    private string _monitorKey = "";
    private string _readerKey = "";

    public async Task InitializeAsync()
    {
        string path = Path.Combine(_root, "ledger");
        LedgerDirectory ledger = LedgerDirectory.Create(path, "test.example/drift-dashboard");
        await using (var store = new SqliteLedgerStore(ledger.DatabasePath))
        {
            await store.OpenAsync();
            await using DecisionRecorder recorder = await DecisionRecorder.StartAsync(store, ledger.Signer, ledger.CreateFingerprinter(), new LedgerOptions { Origin = ledger.Config.Origin });
            var random = new Random(3);
            var pending = new List<Task<RecordReceipt>>();
            for (int i = 0; i < 2_000; i++)
            {
                DateTimeOffset time = s_start.AddSeconds(i * 2 * 86_400.0 / 2_000);
                bool shifted = time >= s_start.AddDays(1).AddHours(12);
                double amount = Math.Round(Math.Exp(4 + (random.NextDouble() * 2) - 1) * (shifted ? 3 : 1), 2);
                string country = random.NextDouble() < (shifted ? 0.6 : 0.2) ? "ES" : "DE";
                string label = amount > 100 ? "review" : "ok";
                double score = Math.Round(amount / (amount + 60), 4);
                string json = string.Create(CultureInfo.InvariantCulture,
                    $$$"""{"timestamp":"{{{time:yyyy-MM-ddTHH:mm:ssZ}}}","model":{"name":"drift_model","version":"1.0"},"input":{"amount":{{{amount}}},"country":"{{{country}}}"},"output":{"label":"{{{label}}}","score":{{{score}}}}}""");
                pending.Add(recorder.RecordAsync(DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(json))).AsTask());
            }

            await Task.WhenAll(pending);
        }

        var keys = new ApiKeyStore(path);
        _monitorKey = keys.Create(ApiKeyRole.Monitor, "drift-monitor").Key;
        _readerKey = keys.Create(ApiKeyRole.Reader, "drift-reader").Key;
        var options = new CollectorOptions();
        var watch = new DriftWatchOptions { Model = "drift_model", BaselineFrom = s_start, BaselineTo = s_start.AddDays(1), Window = TimeSpan.FromHours(6) };
        watch.Paths.Add("output.score");
        watch.Paths.Add("output.label");
        watch.Paths.Add("input.amount");
        watch.Paths.Add("input.country");
        options.Drift.Watches.Add(watch);
        _app = CollectorApp.Build(path, ["http://127.0.0.1:0"], options, builder => builder.Logging.ClearProviders());
        await _app.StartAsync();
        _baseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        CollectorLedger collector = _app.Services.GetRequiredService<CollectorLedger>();
        await _app.Services.GetRequiredService<DriftMonitor>().RunOnceAsync(collector.Store, NoteVerifier.Parse(collector.Directory.VerifierKey), default);
    }

    [BrowserFact]
    public async Task DriftPanel_MonitorKey_ShowsPsiWithThresholdAndTheWorstPathsBins()
    {
        (int exitCode, string output) = await BrowserScript.RunAsync(_baseUrl, _monitorKey, "drift");

        Assert.True(exitCode == 0, $"the drift script failed (exit {exitCode}); screenshots in {BrowserScript.ScreenshotDirectory}:\n{output}");
        Assert.True(new FileInfo(Path.Combine(BrowserScript.ScreenshotDirectory, "06-drift.png")).Length > 10_000, "06-drift.png is missing or empty");
    }

    [Fact]
    public async Task DriftRoute_FlagsTheShiftedWindows_AndRefusesAReader()
    {
        using var client = new HttpClient { BaseAddress = new Uri(_baseUrl) };
        using var monitor = new HttpRequestMessage(HttpMethod.Get, "/v1/drift?model=drift_model") { Headers = { { "X-Api-Key", _monitorKey } } };
        using var reader = new HttpRequestMessage(HttpMethod.Get, "/v1/drift") { Headers = { { "X-Api-Key", _readerKey } } };

        using HttpResponseMessage ok = await client.SendAsync(monitor);
        using HttpResponseMessage refused = await client.SendAsync(reader);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        string[] flagged = [.. body.RootElement.GetProperty("reports")[0].GetProperty("windows").EnumerateArray()
            .Where(w => w.GetProperty("flagged").GetBoolean()).Select(w => w.GetProperty("start").GetString()!)];
        Assert.Equal(["2026-11-03T12:00:00.000000Z", "2026-11-03T18:00:00.000000Z"], flagged);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
