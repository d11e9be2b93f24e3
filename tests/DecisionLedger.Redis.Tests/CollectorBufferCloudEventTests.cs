using System.Net;
using System.Text;
using System.Text.Json;
using DecisionLedger.Redis.Sequencing;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Tests;

/// <summary>
/// <c>POST /v1/cloudevents</c> on a buffer-mode collector (<c>serve --buffer redis</c>) with a real Redis: a pair
/// (or a lone half after its timeout) goes into the ledger's stream like any decision; pending halves are kept in
/// the collector's own journal in its ledger directory.
/// </summary>
public sealed class CollectorBufferCloudEventTests
{
    private const string Request = "{\"instances\":[[6.8,2.8,4.8,1.4]]}";
    private const string Response = "{\"predictions\":[1]}";

    [RedisFact]
    public async Task Pair_IsBuffered_202WithBufferId_PreferWait200WithReceipt_SequencerRecordsEachOnce()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using CollectorBufferTests.Collector collector = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options);

        using HttpResponseMessage request = await collector.SendAsync(Event("b-1", request: true));
        using HttpResponseMessage response = await collector.SendAsync(Event("b-1", request: false));

        Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        Assert.Contains("\"status\":\"pending\"", await request.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using JsonDocument buffered = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("buffered", buffered.RootElement.GetProperty("status").GetString());
        Assert.Equal("b-1", buffered.RootElement.GetProperty("requestId").GetString());
        string bufferId = buffered.RootElement.GetProperty("bufferId").GetString()!;
        StreamEntry entry = Assert.Single(await scope.Db.StreamRangeAsync(scope.Keys.Stream, bufferId, bufferId));
        string decision = entry["decision"].ToString();
        Assert.Contains("\"predictions\":[1]", decision, StringComparison.Ordinal);
        Assert.DoesNotContain("missingHalf", decision, StringComparison.Ordinal);
        Assert.Equal(0, await ledger.SizeAsync());

        // With a sequencer running, Prefer: wait gets the receipt of the next pair.
        await using (SequencerLedger opened = await ledger.OpenAsync())
        {
            using var sequencer = new DecisionSequencer(scope.Redis, scope.Options, ledger.Origin, "test-consumer", opened.Recorder, opened.Store);
            using var stop = new CancellationTokenSource();
            Task running = sequencer.RunAsync(stop.Token);
            using HttpResponseMessage second = await collector.SendAsync(Event("b-2", request: true));
            using HttpRequestMessage waiting = Event("b-2", request: false);
            waiting.Headers.TryAddWithoutValidation("Prefer", "wait=10");
            using HttpResponseMessage receipt = await collector.SendAsync(waiting);
            string text = await receipt.Content.ReadAsStringAsync();
            Assert.True(receipt.StatusCode == HttpStatusCode.OK, text);
            using JsonDocument recorded = JsonDocument.Parse(text);
            Assert.Equal("b-2", recorded.RootElement.GetProperty("requestId").GetString());
            Assert.Equal(1, recorded.RootElement.GetProperty("seq").GetInt64());
            await stop.CancelAsync();
            await running;
        }

        Assert.Equal(["b-1", "b-2"], await ledger.VerifiedRequestIdsAsync());
    }

    [RedisFact]
    public async Task LoneHalf_IsBufferedAfterItsTimeout_MarkedWithMissingHalf()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using CollectorBufferTests.Collector collector = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options, o => o.CloudEventPairTimeout = TimeSpan.FromSeconds(1));

        using HttpResponseMessage response = await collector.SendAsync(Event("lone-b", request: false));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        await Eventually.TrueAsync(async () => await scope.Db.StreamLengthAsync(scope.Keys.Stream) == 1, TimeSpan.FromSeconds(30), "the lone half in the stream");
        StreamEntry entry = Assert.Single(await scope.Db.StreamRangeAsync(scope.Keys.Stream));
        string decision = entry["decision"].ToString();
        Assert.Contains("\"missingHalf\":\"request\"", decision, StringComparison.Ordinal);
        Assert.Contains("\"recordedAlone\":\"timeout\"", decision, StringComparison.Ordinal);

        // Recorded, the half leaves the journal: its tombstone is written, and the journal, with nothing pending,
        // is then compacted to nothing (no redacted half stays on disk). Either state shows no live half of lone-b.
        await Eventually.TrueAsync(() => Task.FromResult(!LiveHalfIds(ledger).Contains("lone-b")), TimeSpan.FromSeconds(30), "lone-b to leave the journal (tombstoned, then compacted away)");
    }

    [RedisFact]
    public async Task HalfLeftInTheCollectorsJournal_ByACrash_PairsAfterRestart_AndIsBuffered()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);

        // The line a collector killed after answering 202 leaves behind (the format docs/capture.md describes).
        string half = "{\"op\":\"half\",\"id\":\"crash-b\",\"kind\":\"request\",\"received\":\"" + DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)
            + "\",\"source\":\"http://localhost:9081/\",\"service\":\"sklearn-iris\",\"dataSha256\":\"" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Request)))
            + "\",\"body\":" + Request + "}\n";
        await File.WriteAllTextAsync(JournalPath(ledger), half);
        await using CollectorBufferTests.Collector collector = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options);

        using HttpResponseMessage redelivered = await collector.SendAsync(Event("crash-b", request: true));
        using HttpResponseMessage response = await collector.SendAsync(Event("crash-b", request: false));

        Assert.Contains("\"status\":\"redelivered\"", await redelivered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("\"status\":\"buffered\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        StreamEntry entry = Assert.Single(await scope.Db.StreamRangeAsync(scope.Keys.Stream));
        string decision = entry["decision"].ToString();
        Assert.Contains("\"predictions\":[1]", decision, StringComparison.Ordinal);
        Assert.DoesNotContain("missingHalf", decision, StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task TwoCollectorsOnOneLedgerDirectory_TheSecondAnswersCloudEvents503NamingTheJournal_AndStillBuffersDecisions()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using CollectorBufferTests.Collector first = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options);
        await using CollectorBufferTests.Collector second = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options);

        using HttpResponseMessage held = await first.SendAsync(Event("two-1", request: true));
        using HttpResponseMessage refused = await second.SendAsync(Event("two-2", request: true));
        using HttpResponseMessage decision = await second.PostAsync(Some.DecisionJson(1, "two-decision", contact: Some.Email), "application/json");

        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        string problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("cloudevents-pending.jsonl", problem, StringComparison.Ordinal);
        Assert.Contains("--cloudevent-journal", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, decision.StatusCode);
    }

    private static string JournalPath(TestLedger ledger) => Path.Combine(ledger.LedgerPath, "cloudevents-pending.jsonl");

    /// <summary>The ids of the halves the journal holds and has not tombstoned (the replay's view of it).</summary>
    private static HashSet<string> LiveHalfIds(TestLedger ledger)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        string text;
        using (var file = new FileStream(JournalPath(ledger), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(file, Encoding.UTF8))
        {
            text = reader.ReadToEnd();
        }

        // Only whole lines: the collector may be writing the next one.
        foreach (string line in text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument json = JsonDocument.Parse(line);
            string id = json.RootElement.GetProperty("id").GetString()!;
            if (json.RootElement.GetProperty("op").GetString() == "done")
            {
                live.Remove(id);
            }
            else
            {
                live.Add(id);
            }
        }

        return live;
    }

    /// <summary>A binary-mode event as KServe's inference logger sends it.</summary>
    private static HttpRequestMessage Event(string id, bool request)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/v1/cloudevents") { Content = new StringContent(request ? Request : Response, Encoding.UTF8, "application/json") };
        message.Headers.TryAddWithoutValidation("Ce-Specversion", "1.0");
        message.Headers.TryAddWithoutValidation("Ce-Id", id);
        message.Headers.TryAddWithoutValidation("Ce-Source", "http://localhost:9081/");
        message.Headers.TryAddWithoutValidation("Ce-Type", request ? "org.kubeflow.serving.inference.request" : "org.kubeflow.serving.inference.response");
        message.Headers.TryAddWithoutValidation("Ce-Time", request ? "2026-11-23T12:00:00.000Z" : "2026-11-23T12:00:00.004Z");
        message.Headers.TryAddWithoutValidation("Ce-Inferenceservicename", "sklearn-iris");
        return message;
    }
}
