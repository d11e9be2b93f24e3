using System.Net;
using System.Text.Json;
using DecisionLedger.Server.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace DecisionLedger.Dashboard.Tests;

public sealed class VerificationRouteTests(DashboardCollector collector) : IClassFixture<DashboardCollector>
{
    [Fact]
    public async Task Verification_AfterStart_ReportsSignedCheckpointAndPassedFullRun()
    {
        JsonElement body = await collector.WaitForVerificationAsync();

        JsonElement checkpoint = body.GetProperty("checkpoint");
        Assert.Equal(DashboardCollector.DecisionCount, checkpoint.GetProperty("treeSize").GetInt64());
        Assert.True(checkpoint.GetProperty("signatureValid").GetBoolean());
        Assert.StartsWith("test.example/dashboard\n", checkpoint.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("test.example/dashboard+", body.GetProperty("verifierKey").GetString(), StringComparison.Ordinal);
        JsonElement run = body.GetProperty("lastRun");
        Assert.True(run.GetProperty("passed").GetBoolean(), run.ToString());
        Assert.Equal("full", run.GetProperty("mode").GetString());
        Assert.Equal(DashboardCollector.DecisionCount, run.GetProperty("entriesVerified").GetInt64());
        Assert.Equal(DashboardCollector.DecisionCount, run.GetProperty("inputsVerified").GetInt64());
        Assert.Equal(checkpoint.GetProperty("rootHash").GetString(), run.GetProperty("rootHash").GetString());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("finding").ValueKind);
    }

    [Fact]
    public async Task RunOnce_AfterAPassedRun_ContinuesIncrementallyFromTheVerifiedCheckpoint()
    {
        await collector.WaitForVerificationAsync();
        VerificationMonitor monitor = collector.Services.GetRequiredService<VerificationMonitor>();

        VerificationRun run = await monitor.RunOnceAsync(CancellationToken.None);

        Assert.Equal(DashboardCollector.DecisionCount, run.FromTreeSize);
        Assert.True(run.Report!.Passed);
        Assert.Equal(0, run.Report.EntriesVerified);
        Assert.Equal(DashboardCollector.DecisionCount, run.Report.TreeSize);
    }

    [Fact]
    public async Task Verification_OfATamperedInput_ReportsTheSeqAndKind()
    {
        await using var tampered = new DashboardCollector(12, "UPDATE inputs SET input = CAST(replace(CAST(input AS TEXT), 'amount', 'amounT') AS BLOB) WHERE seq = 5;");
        await tampered.InitializeAsync();

        JsonElement run = (await tampered.WaitForVerificationAsync()).GetProperty("lastRun");

        Assert.False(run.GetProperty("passed").GetBoolean());
        Assert.Equal(5, run.GetProperty("finding").GetProperty("seq").GetInt64());
        Assert.Equal("InputAltered", run.GetProperty("finding").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Verification_WithReaderKey_IsForbidden()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/verification");
        request.Headers.Add("X-Api-Key", collector.ReaderKey);

        using HttpResponseMessage response = await collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
