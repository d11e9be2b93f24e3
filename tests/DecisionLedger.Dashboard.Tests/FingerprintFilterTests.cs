using System.Net;
using System.Text.Json;
using DecisionLedger.Ledger;

namespace DecisionLedger.Dashboard.Tests;

public sealed class FingerprintFilterTests(DashboardCollector collector) : IClassFixture<DashboardCollector>
{
    [Fact]
    public async Task Query_ByFingerprintOfAnOriginalInput_ReturnsThatDecision()
    {
        using JsonDocument decision = JsonDocument.Parse(DashboardDecisions.Create(DashboardCollector.DecisionCount).ElementAt(7));
        string fingerprint = LedgerDirectory.Open(collector.LedgerPath).CreateFingerprinter().Fingerprint(decision.RootElement.GetProperty("input")).ToHex();

        (HttpStatusCode status, string body) = await GetAsync("/v1/decisions?fingerprint=" + fingerprint.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement entries = JsonDocument.Parse(body).RootElement.GetProperty("entries");
        Assert.Equal("req-00007", Assert.Single(entries.EnumerateArray()).GetProperty("requestId").GetString());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public async Task Query_ByMalformedFingerprint_Is400NamingTheParameter(string value)
    {
        (HttpStatusCode status, string body) = await GetAsync("/v1/decisions?fingerprint=" + value);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("fingerprint: '" + value + "' is not 64 hex characters", body, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode, string)> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", collector.ReaderKey);
        using HttpResponseMessage response = await collector.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
