using System.Net;
using System.Text.Json;
using DecisionLedger.Server.Auth;

namespace DecisionLedger.Server.Tests;

public sealed class ReportTests
{
    [Fact]
    public async Task Usage_SeededLedger_CountsDecisionsAndNamesTheSignedCheckpoint()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using HttpResponseMessage checkpoint = await collector.SendAsync(HttpMethod.Get, "/v1/checkpoint", ApiKeyRole.Auditor);
        string note = await checkpoint.Content.ReadAsStringAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, "/v1/reports/usage?model=fraud_detector&bucket=hour", ApiKeyRole.Auditor);

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument report = JsonDocument.Parse(body);
        JsonElement root = report.RootElement;
        Assert.Equal("usage", root.GetProperty("report").GetString());
        Assert.Equal(note, root.GetProperty("checkpoint").GetProperty("note").GetString());
        Assert.Equal(RunningCollector.SeedCount, root.GetProperty("checkpoint").GetProperty("treeSize").GetInt64());
        Assert.Equal("fraud_detector", root.GetProperty("filters").GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("filters").GetProperty("version").ValueKind);
        Assert.Equal(RunningCollector.SeedCount, root.GetProperty("total").GetInt64());
        Assert.Equal(0, root.GetProperty("failures").GetInt64());
        Assert.Equal(1, root.GetProperty("uniqueUsers").GetInt64());
        JsonElement version = Assert.Single(root.GetProperty("versions").EnumerateArray());
        Assert.Equal("3.2.1", version.GetProperty("version").GetString());
        JsonElement outcome = Assert.Single(root.GetProperty("outcomes").EnumerateArray());
        Assert.Equal("legit", outcome.GetProperty("value").GetString());
        Assert.Equal(RunningCollector.SeedCount, outcome.GetProperty("count").GetInt64());
        Assert.Equal("output.label", root.GetProperty("outcomeField").GetString());
        Assert.Equal(0, root.GetProperty("latencyMs").GetProperty("count").GetInt64());
        Assert.Equal(RunningCollector.SeedCount, root.GetProperty("overTime").EnumerateArray().Sum(b => b.GetProperty("count").GetInt64()));
    }

    [Fact]
    public async Task AccessLogAndDataAccess_AfterAReaderViewsADecision_ListTheRead()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using (HttpResponseMessage read = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/seed-1", ApiKeyRole.Reader))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using HttpResponseMessage log = await collector.SendAsync(HttpMethod.Get, "/v1/reports/access-log?requestId=seed-1", ApiKeyRole.Auditor);
        using JsonDocument logReport = JsonDocument.Parse(await log.Content.ReadAsStringAsync());
        JsonElement record = Assert.Single(logReport.RootElement.GetProperty("records").EnumerateArray());
        Assert.Equal("test-reader", record.GetProperty("user").GetString());
        Assert.Equal("reader", record.GetProperty("role").GetString());
        Assert.Equal(["seed-1"], record.GetProperty("requestIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("access-log", logReport.RootElement.GetProperty("report").GetString());

        using HttpResponseMessage access = await collector.SendAsync(HttpMethod.Get, "/v1/reports/data-access", ApiKeyRole.Auditor);
        using JsonDocument accessReport = JsonDocument.Parse(await access.Content.ReadAsStringAsync());
        JsonElement[] users = accessReport.RootElement.GetProperty("users").EnumerateArray().ToArray();
        JsonElement jane = users.Single(u => u.GetProperty("user").GetString() == "analyst_jane");
        Assert.Equal(RunningCollector.SeedCount, jane.GetProperty("decisions").GetInt64());
        Assert.Equal(RunningCollector.SeedCount, jane.GetProperty("subjects").GetInt64());
        Assert.Equal(["fraud_detector"], jane.GetProperty("models").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, jane.GetProperty("viewed").GetInt64());
        JsonElement reader = users.Single(u => u.GetProperty("user").GetString() == "test-reader");
        Assert.Equal(1, reader.GetProperty("viewed").GetInt64());
        Assert.Equal(0, reader.GetProperty("decisions").GetInt64());
    }

    [Fact]
    public async Task VersionTimeline_CsvAndHtml_ComeWithTheirMediaTypes()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage csv = await collector.SendAsync(HttpMethod.Get, "/v1/reports/version-timeline?model=fraud_detector&format=csv", ApiKeyRole.Auditor);
        using HttpResponseMessage html = await collector.SendAsync(HttpMethod.Get, "/v1/reports/version-timeline?model=fraud_detector&format=html&at=2100-01-01T00:00:00Z", ApiKeyRole.Admin);

        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        string[] lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("model,version,from,to,count,firstSeq,lastSeq,checkpointOrigin,checkpointTreeSize,checkpointRootHash", lines[0]);
        Assert.StartsWith("fraud_detector,3.2.1,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",3,0,2,test.example/collector,3,", lines[1], StringComparison.Ordinal);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("was serving version <strong>3.2.1</strong>", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/reports/usage", "model: required")]
    [InlineData("/v1/reports/usage?model=m&format=xml", "format: 'xml'")]
    [InlineData("/v1/reports/usage?model=m&bucket=week", "bucket: 'week'")]
    [InlineData("/v1/reports/usage?model=m&outcome=input.amount", "outcome: 'input.amount'")]
    [InlineData("/v1/reports/usage?model=m&from=yesterday", "from: 'yesterday'")]
    [InlineData("/v1/reports/version-timeline?model=m&at=noon", "at: 'noon'")]
    [InlineData("/v1/reports/data-access?to=soon", "to: 'soon'")]
    public async Task Report_BadParameter_Returns400NamingIt(string path, string expected)
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, path, ApiKeyRole.Auditor);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
