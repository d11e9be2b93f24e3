using System.Net;
using System.Text.Json;
using DecisionLedger.Server.Auth;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// Load shedding (issue 12, "Load shedding, as documented"): a decision that cannot enter the recorder's queue
/// within <see cref="CollectorOptions.EnqueueTimeout"/>, or a request beyond the ingest concurrency limit, gets
/// 503 with <c>Retry-After</c> and a problem detail, is counted by reason, and is not recorded; what was
/// answered 200 is. The store is held at a gate (a stalled disk), so the queue is full for as long as the test says.
/// </summary>
public sealed class LoadSheddingTests
{
    [Fact]
    public async Task PostJson_QueueStaysFullPastEnqueueTimeout_503RetryAfterProblem_CountedQueueFull_OnlyAcknowledgedRecorded()
    {
        GatedStore? gate = null;
        var options = new CollectorOptions
        {
            QueueCapacity = 1,
            EnqueueTimeout = TimeSpan.FromMilliseconds(200),
            StoreFactory = GatedStore.SqliteFactory(held => gate = held),
        };
        await using RunningCollector collector = await RunningCollector.StartAsync(options);

        // Nothing can be committed while the gate is shut: the pipeline absorbs a bounded number of decisions, then
        // the queue stays full, so the first request to be answered at all was shed.
        (List<Task<HttpResponseMessage>> posts, Task<HttpResponseMessage> first) = await SendUntilOneAnswersAsync(i =>
            collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(i, "shed-" + i))));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await first).StatusCode);
        gate!.Open();
        HttpResponseMessage[] responses = await Task.WhenAll(posts);
        int clients = responses.Length;

        var acknowledged = new List<string>();
        var shed = new List<string>();
        for (int i = 0; i < clients; i++)
        {
            using HttpResponseMessage response = responses[i];
            string text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                acknowledged.Add("shed-" + i);
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, text);
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using JsonDocument problem = JsonDocument.Parse(text);
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Contains("stayed full", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            shed.Add("shed-" + i);
        }

        Assert.NotEmpty(shed);
        foreach (string id in acknowledged)
        {
            using HttpResponseMessage stored = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/" + id, ApiKeyRole.Reader);
            Assert.True(stored.StatusCode == HttpStatusCode.OK, id + " was acknowledged but is not in the ledger");
        }

        foreach (string id in shed)
        {
            using HttpResponseMessage stored = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/" + id, ApiKeyRole.Reader);
            Assert.True(stored.StatusCode == HttpStatusCode.NotFound, id + " was shed but is in the ledger");
        }

        using HttpResponseMessage scrape = await collector.SendAsync(HttpMethod.Get, "/metrics", ApiKeyRole.Reader);
        Assert.Matches("decisionledger_rejections_total\\{[^}]*reason=\"queue_full\"[^}]*\\} [1-9]", await scrape.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostNdjson_QueueStaysFull_BatchWithNothingRecorded_503WithStoppedAndRetryAfter()
    {
        GatedStore? gate = null;
        var options = new CollectorOptions
        {
            QueueCapacity = 1,
            EnqueueTimeout = TimeSpan.FromMilliseconds(200),
            StoreFactory = GatedStore.SqliteFactory(held => gate = held),
        };
        await using RunningCollector collector = await RunningCollector.StartAsync(options);

        // Batches are sent until one is answered while the gate is shut: that one had no line in the pipeline.
        string Batch(int n) => string.Join("\n", Enumerable.Range(0, 600).Select(i => Some.DecisionJson(i, $"batch-{n}-{i}")));
        (List<Task<HttpResponseMessage>> posts, Task<HttpResponseMessage> first) = await SendUntilOneAnswersAsync(n =>
            collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Ndjson(Batch(n))));
        using (HttpResponseMessage shed = await first)
        {
            string text = await shed.Content.ReadAsStringAsync();
            Assert.True(shed.StatusCode == HttpStatusCode.ServiceUnavailable, text);
            Assert.Equal("1", shed.Headers.RetryAfter?.ToString());
            using JsonDocument problem = JsonDocument.Parse(text);
            JsonElement stopped = problem.RootElement.GetProperty("stopped");
            Assert.Equal("queue_full", stopped.GetProperty("reason").GetString());
            long errors = problem.RootElement.GetProperty("errorCount").GetInt64();
            Assert.Equal(600, errors + stopped.GetProperty("linesNotExamined").GetInt64());
        }

        gate!.Open();

        // Every other batch: each line has its receipt, its error, or was not examined; receipts are in the ledger.
        foreach (Task<HttpResponseMessage> post in posts.Where(p => p != first))
        {
            using HttpResponseMessage response = await post;
            string text = await response.Content.ReadAsStringAsync();
            using JsonDocument json = JsonDocument.Parse(text);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            JsonElement[] receipts = [.. json.RootElement.GetProperty("receipts").EnumerateArray()];
            long errors = json.RootElement.GetProperty("errorCount").GetInt64();
            long notExamined = json.RootElement.TryGetProperty("stopped", out JsonElement stopped) ? stopped.GetProperty("linesNotExamined").GetInt64() : 0;
            Assert.Equal(600, receipts.Length + errors + notExamined);
            string id = receipts[^1].GetProperty("requestId").GetString()!;
            using HttpResponseMessage stored = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/" + id, ApiKeyRole.Reader);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }
    }

    [Fact]
    public async Task Post_BeyondConcurrencyLimitAndItsQueue_503RetryAfterAtOnce_CountedOverloaded()
    {
        GatedStore? gate = null;
        var options = new CollectorOptions
        {
            MaxConcurrentIngestRequests = 1,
            MaxQueuedIngestRequests = 0,
            StoreFactory = GatedStore.SqliteFactory(held => gate = held),
        };
        await using RunningCollector collector = await RunningCollector.StartAsync(options);

        // One of the two holds the only permit (waiting at the gate); the other is turned away without being read.
        Task<HttpResponseMessage> a = collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(1, "permit-a")));
        Task<HttpResponseMessage> b = collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(2, "permit-b")));
        Task<HttpResponseMessage> first = await Task.WhenAny(a, b).WaitAsync(TimeSpan.FromSeconds(60));
        using HttpResponseMessage refused = await first;
        string text = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, text);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        Assert.Contains("MaxConcurrentIngestRequests", JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        gate!.Open();
        using HttpResponseMessage admitted = await (first == a ? b : a);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);

        using HttpResponseMessage scrape = await collector.SendAsync(HttpMethod.Get, "/metrics", ApiKeyRole.Reader);
        Assert.Matches("decisionledger_rejections_total\\{[^}]*reason=\"overloaded\"[^}]*\\} [1-9]", await scrape.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Starts requests one after another until one of them has been answered (at most 2,000), so a test finds the
    /// point where the stalled pipeline stops absorbing without guessing a number. The short pause between sends
    /// only spaces them out; correctness never depends on it.
    /// </summary>
    private static async Task<(List<Task<HttpResponseMessage>> Posts, Task<HttpResponseMessage> First)> SendUntilOneAnswersAsync(Func<int, Task<HttpResponseMessage>> send)
    {
        var posts = new List<Task<HttpResponseMessage>>();
        for (int i = 0; i < 2_000; i++)
        {
            posts.Add(send(i));
            await Task.Delay(5);
            if (posts.FirstOrDefault(p => p.IsCompleted) is { } answered)
            {
                return (posts, answered);
            }
        }

        Task<HttpResponseMessage> first = await Task.WhenAny(posts).WaitAsync(TimeSpan.FromSeconds(60));
        return (posts, first);
    }
}
