using System.Net;
using System.Text.Json;
using DecisionLedger.Checkpoints;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Drift;
using DecisionLedger.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DecisionLedger.Server.Tests.Drift;

/// <summary><c>GET /v1/drift</c> in a running collector: the monitor's reports for monitor and auditor keys, refused to readers.</summary>
public sealed class DriftEndpointTests
{
    [Fact]
    public async Task Get_MonitorKey_ReturnsTheWatchedVersionsReport_ReaderIsRefused()
    {
        var options = new CollectorOptions();
        var watch = new DriftWatchOptions { Model = "endpoint_model", BaselineFrom = DateTimeOffset.UnixEpoch, BaselineTo = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        watch.Paths.Add("output.score");
        options.Drift.Watches.Add(watch);
        await using RunningCollector collector = await RunningCollector.StartAsync(options);
        CollectorLedger ledger = collector.Services.GetRequiredService<CollectorLedger>();
        await collector.Services.GetRequiredService<DriftMonitor>().RunOnceAsync(ledger.Store, NoteVerifier.Parse(ledger.Directory.VerifierKey), default);

        using HttpResponseMessage monitor = await collector.SendAsync(HttpMethod.Get, "/v1/drift?model=endpoint_model", ApiKeyRole.Monitor);
        using HttpResponseMessage auditor = await collector.SendAsync(HttpMethod.Get, "/v1/drift", ApiKeyRole.Auditor);
        using HttpResponseMessage reader = await collector.SendAsync(HttpMethod.Get, "/v1/drift", ApiKeyRole.Reader);

        Assert.Equal(HttpStatusCode.OK, monitor.StatusCode);
        Assert.Equal(HttpStatusCode.OK, auditor.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await monitor.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("enabled").GetBoolean());
        JsonElement report = Assert.Single(body.RootElement.GetProperty("reports").EnumerateArray());
        Assert.Equal("drift", report.GetProperty("report").GetString());
        Assert.Equal("endpoint_model", report.GetProperty("spec").GetProperty("model").GetString());
        Assert.Equal(0.2, report.GetProperty("rule").GetProperty("psiThreshold").GetDouble());
    }

    [Fact]
    public async Task Get_NoWatches_SaysDisabled()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, "/v1/drift", ApiKeyRole.Monitor);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(body.RootElement.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, body.RootElement.GetProperty("reports").GetArrayLength());
    }
}
