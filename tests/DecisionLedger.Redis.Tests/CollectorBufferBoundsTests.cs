using System.Net;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Redis.Tests;

/// <summary>
/// Buffer mode bounds a bad batch too (issue 12, "Bounded cost per request"): after MaxBadLines invalid lines the
/// rest is counted, not parsed, and the answer lists at most MaxListedLineErrors errors with their total.
/// </summary>
public sealed class CollectorBufferBoundsTests
{
    [RedisFact]
    public async Task PostNdjson_TenThousandInvalidLines_400WithCappedErrorsAndCounts_NothingBuffered()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using CollectorBufferTests.Collector collector = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options);

        using HttpResponseMessage response = await collector.PostAsync(new StringBuilder().Insert(0, "x\n", 10_000).ToString(), "application/x-ndjson");

        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(text);
        Assert.Equal(100, problem.RootElement.GetProperty("errors").GetArrayLength());
        Assert.Equal(100, problem.RootElement.GetProperty("errorCount").GetInt64());
        Assert.Equal(9_900, problem.RootElement.GetProperty("stopped").GetProperty("linesNotExamined").GetInt64());
        Assert.Equal(0, await scope.Db.StreamLengthAsync(scope.Keys.Stream));
    }
}
