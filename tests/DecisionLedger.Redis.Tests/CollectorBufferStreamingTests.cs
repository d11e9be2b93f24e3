using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Tests;

/// <summary>
/// Buffer mode streams an NDJSON batch as the in-process collector does (issue 12, "Bounded cost per request"):
/// lines are validated, redacted and XADDed a chunk at a time while the body is still arriving, so a batch never
/// holds its whole body or its parsed decisions.
/// </summary>
public sealed class CollectorBufferStreamingTests
{
    [RedisFact]
    public async Task PostNdjson_FirstChunkIsBufferedBeforeTheBodyEnds()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using CollectorBufferTests.Collector collector = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options);
        var pipe = new Pipe();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StreamContent(pipe.Reader.AsStream()) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        Task<HttpResponseMessage> sending = collector.SendAsync(request);

        // One full chunk and a little more; the body stays open until the chunk is in Redis. Read whole, it never would be.
        await pipe.Writer.WriteAsync(Lines(0, 600));
        await Eventually.TrueAsync(async () => await scope.Db.StreamLengthAsync(scope.Keys.Stream) >= 512, TimeSpan.FromSeconds(30), "the first chunk to be buffered while the body is still open");
        await pipe.Writer.WriteAsync(Lines(600, 100));
        await pipe.Writer.CompleteAsync();

        using HttpResponseMessage response = await sending;
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        using JsonDocument json = JsonDocument.Parse(text);
        Assert.Equal(Enumerable.Range(1, 700).Select(n => (long)n), json.RootElement.GetProperty("accepted").EnumerateArray().Select(a => a.GetProperty("line").GetInt64()));
        Assert.Equal(0, json.RootElement.GetProperty("errorCount").GetInt64());
        Assert.Equal(700, await scope.Db.StreamLengthAsync(scope.Keys.Stream));
    }

    [RedisFact]
    public async Task PostNdjson_MixedBatchOverSeveralChunks_GoodLinesBufferedInOrder_BadLinesListed()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using CollectorBufferTests.Collector collector = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options);
        const int Count = 1_300;
        var lines = Enumerable.Range(0, Count).Select(i => Some.DecisionJson(i, "mixed-" + i.ToString(CultureInfo.InvariantCulture), contact: Some.Email)).ToList();
        lines[3] = "x";
        lines[700] = "{\"model\":{\"name\":\"m\"},\"input\":{},\"output\":{}}";

        using HttpResponseMessage response = await collector.PostAsync(string.Join("\n", lines) + "\n", "application/x-ndjson");

        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        using JsonDocument json = JsonDocument.Parse(text);
        JsonElement[] accepted = [.. json.RootElement.GetProperty("accepted").EnumerateArray()];
        Assert.Equal(Enumerable.Range(1, Count).Where(n => n is not 4 and not 701).Select(n => (long)n), accepted.Select(a => a.GetProperty("line").GetInt64()));
        Assert.Equal([4L, 701L], json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt64()));
        Assert.Equal("model.version", json.RootElement.GetProperty("errors")[1].GetProperty("path").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("errorCount").GetInt64());
        Assert.False(json.RootElement.TryGetProperty("stopped", out _));

        // Every good line is in the stream, in the batch's order, redacted, under the buffer id it was answered with.
        StreamEntry[] entries = await scope.Db.StreamRangeAsync(scope.Keys.Stream);
        Assert.Equal(accepted.Select(a => a.GetProperty("bufferId").GetString()), entries.Select(e => e.Id.ToString()));
        Assert.Contains("mixed-1299", entries[^1]["decision"].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(entries, e => e["decision"].ToString().Contains("jane.doe@example.com", StringComparison.Ordinal));
    }

    [RedisFact]
    public async Task PostNdjson_GoodLinesThenMaxBadLines_202WithStopped_OnlyLinesBeforeTheStopBuffered()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using CollectorBufferTests.Collector collector = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options, o => o.MaxBadLines = 5);
        string body = Encoding.UTF8.GetString(Lines(0, 2).Span) + new StringBuilder().Insert(0, "x\n", 20) + Encoding.UTF8.GetString(Lines(2, 10).Span);

        using HttpResponseMessage response = await collector.PostAsync(body, "application/x-ndjson");

        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        using JsonDocument json = JsonDocument.Parse(text);
        Assert.Equal([1L, 2L], json.RootElement.GetProperty("accepted").EnumerateArray().Select(a => a.GetProperty("line").GetInt64()));
        JsonElement stopped = json.RootElement.GetProperty("stopped");
        Assert.Equal("too_many_invalid_lines", stopped.GetProperty("reason").GetString());
        Assert.Equal(7, stopped.GetProperty("afterLine").GetInt64());
        Assert.Equal(32 - 7, stopped.GetProperty("linesNotExamined").GetInt64());
        Assert.Equal(2, await scope.Db.StreamLengthAsync(scope.Keys.Stream));
    }

    [RedisFact]
    public async Task PostFormEncoded_BufferMode_415NamingTheAcceptedTypes()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using CollectorBufferTests.Collector collector = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options);

        using HttpResponseMessage response = await collector.PostAsync(Some.DecisionJson(1, contact: Some.Email), "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("application/x-ndjson", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["application/json", "application/x-ndjson"], problem.RootElement.GetProperty("accepted").EnumerateArray().Select(t => t.GetString()));
    }

    private static ReadOnlyMemory<byte> Lines(int first, int count) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(first, count).Select(i => Some.DecisionJson(i, "stream-" + i.ToString(CultureInfo.InvariantCulture), contact: Some.Email) + "\n")));
}
