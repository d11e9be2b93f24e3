using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using DecisionLedger.Server.Auth;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// An NDJSON batch costs bounded work and a bounded answer (issue 12, "Bounded cost per request"): it stops
/// after <see cref="CollectorOptions.MaxBadLines"/> invalid lines and counts the rest without parsing it, lists at
/// most <see cref="CollectorOptions.MaxListedLineErrors"/> errors with their total, and streams a long batch in
/// chunks without losing or reordering a line.
/// </summary>
public sealed class BoundedIngestTests
{
    [Fact]
    public async Task PostNdjson_MoreInvalidLinesThanMaxBadLines_StopsThere_RestCountedNotRecorded()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(new CollectorOptions { MaxBadLines = 5, MaxListedLineErrors = 3 });
        var lines = new List<string> { Some.DecisionJson(1, "stop-1"), Some.DecisionJson(2, "stop-2") };
        lines.AddRange(Enumerable.Repeat("x", 20));
        lines.AddRange(Enumerable.Range(3, 10).Select(i => Some.DecisionJson(i, "stop-" + i)));

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Ndjson(string.Join("\n", lines) + "\n"));

        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using JsonDocument json = JsonDocument.Parse(text);
        JsonElement root = json.RootElement;
        Assert.Equal([1L, 2L], root.GetProperty("receipts").EnumerateArray().Select(r => r.GetProperty("line").GetInt64()));
        Assert.Equal([3L, 4L, 5L], root.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt64()));
        Assert.Equal(5, root.GetProperty("errorCount").GetInt64());
        JsonElement stopped = root.GetProperty("stopped");
        Assert.Equal("too_many_invalid_lines", stopped.GetProperty("reason").GetString());
        Assert.Equal(7, stopped.GetProperty("afterLine").GetInt64());
        Assert.Equal(lines.Count - 7, stopped.GetProperty("linesNotExamined").GetInt64());

        // The good lines after the stop were not recorded: the client resends them.
        using HttpResponseMessage after = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/stop-3", ApiKeyRole.Reader);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task PostNdjson_AHundredThousandInvalidLines_400WithCappedErrorsAndCounts_AnswerSmall()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string body = new StringBuilder().Insert(0, "x\n", 100_000).ToString();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Ndjson(body));

        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(text.Length < 64 * 1024, $"the answer is {text.Length} bytes");
        using JsonDocument json = JsonDocument.Parse(text);
        JsonElement root = json.RootElement;
        Assert.Equal(100, root.GetProperty("errors").GetArrayLength());
        Assert.Equal(100, root.GetProperty("errorCount").GetInt64());
        Assert.Equal(99_900, root.GetProperty("stopped").GetProperty("linesNotExamined").GetInt64());
        Assert.StartsWith("line 1: $:", root.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using HttpResponseMessage scrape = await collector.SendAsync(HttpMethod.Get, "/metrics", ApiKeyRole.Reader);
        string metrics = await scrape.Content.ReadAsStringAsync();
        Assert.Matches("decisionledger_rejections_total\\{[^}]*reason=\"bad_input\"[^}]*\\} [1-9]", metrics);
    }

    [Fact]
    public async Task PostNdjson_ManyChunks_EveryGoodLineRecordedInOrder_EveryBadLineReported()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        const int Count = 1_300;
        var lines = Enumerable.Range(0, Count).Select(i => Some.DecisionJson(i, "chunk-" + i.ToString(CultureInfo.InvariantCulture))).ToList();
        lines[700] = Some.InvalidDecisionJson;

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Ndjson(string.Join("\r\n", lines)));

        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using JsonDocument json = JsonDocument.Parse(text);
        JsonElement[] receipts = [.. json.RootElement.GetProperty("receipts").EnumerateArray()];
        Assert.Equal(Count - 1, receipts.Length);
        long[] numbers = [.. receipts.Select(r => r.GetProperty("line").GetInt64())];
        Assert.Equal(Enumerable.Range(1, Count).Where(n => n != 701).Select(n => (long)n), numbers);
        long[] seqs = [.. receipts.Select(r => r.GetProperty("seq").GetInt64())];
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal("chunk-1299", receipts[^1].GetProperty("requestId").GetString());
        JsonElement error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(701, error.GetProperty("line").GetInt64());
        Assert.Equal("model.version", error.GetProperty("path").GetString());
        Assert.False(json.RootElement.TryGetProperty("stopped", out _));
    }

    [Fact]
    public async Task PostNdjson_LineLongerThanMaxDecisionBytes_ReportedAndSkipped_NeighboursRecorded()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(new CollectorOptions { MaxDecisionBytes = 2048 });
        string huge = "{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{\"blob\":\"" + new string('a', 200_000) + "\"},\"output\":{}}";
        string body = Some.DecisionJson(1, "long-1") + "\n" + huge + "\n" + Some.DecisionJson(3, "long-3") + "\n";

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Ndjson(body));

        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using JsonDocument json = JsonDocument.Parse(text);
        Assert.Equal([1L, 3L], json.RootElement.GetProperty("receipts").EnumerateArray().Select(r => r.GetProperty("line").GetInt64()));
        JsonElement error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(2, error.GetProperty("line").GetInt64());
        Assert.Contains("2048 bytes", error.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CollectorOptions_MaxBadLinesZero_IsRefusedNamingTheOption()
    {
        var exception = Assert.Throws<ArgumentException>(() => CollectorApp.Build(Path.GetTempPath(), ["http://127.0.0.1:0"], new CollectorOptions { MaxBadLines = 0 }));
        Assert.StartsWith("CollectorOptions.MaxBadLines: must be positive", exception.Message, StringComparison.Ordinal);
    }
}
