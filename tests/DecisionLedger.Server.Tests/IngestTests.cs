using System.Net;
using System.Text.Json;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Server.Auth;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Server.Tests;

public sealed class IngestTests
{
    [Fact]
    public async Task PostJson_OneDecision_ReturnsReceiptOfStoredEntry()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(7, "one-7")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument receipt = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(RunningCollector.SeedCount, receipt.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal("one-7", receipt.RootElement.GetProperty("requestId").GetString());
        Assert.Equal(44, receipt.RootElement.GetProperty("leafHash").GetString()!.Length);
    }

    [Fact]
    public async Task PostJson_ProofTrue_ReceiptCarriesCheckpointAndProofThatVerifyOffline()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        NoteVerifier verifier = NoteVerifier.Parse(LedgerDirectory.Open(collector.LedgerPath).Signer.Verifier.VerifierKey);

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions?proof=true", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(7, "proof-7")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument receipt = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        AssertProvenReceipt(receipt.RootElement, verifier, RunningCollector.SeedCount);
    }

    [Fact]
    public async Task PostNdjson_ProofTrue_EveryReceiptCarriesCheckpointAndProof()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        NoteVerifier verifier = NoteVerifier.Parse(LedgerDirectory.Open(collector.LedgerPath).Signer.Verifier.VerifierKey);
        string body = string.Join("\n", Enumerable.Range(0, 5).Select(i => Some.DecisionJson(i, $"batch-proof-{i}"))) + "\n";

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions?proof=true", ApiKeyRole.Ingest, RunningCollector.Ndjson(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement[] receipts = [.. json.RootElement.GetProperty("receipts").EnumerateArray()];
        Assert.Equal(5, receipts.Length);
        foreach (JsonElement receipt in receipts)
        {
            AssertProvenReceipt(receipt, verifier, receipt.GetProperty("seq").GetInt64());
        }
    }

    [Fact]
    public async Task PostJson_ProofNotABoolean_Returns400()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions?proof=maybe", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(8, "proof-8")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("proof", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostJson_InvalidDecision_Returns400NamingTheField()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.InvalidDecisionJson));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("model.version", problem.RootElement.GetProperty("path").GetString());
        Assert.Contains("model.version", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostJson_DuplicateRequestId_Returns409()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(0, "seed-0")));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("seed-0", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TextPlain_Returns415()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using var content = new StringContent(Some.DecisionJson(1), System.Text.Encoding.UTF8, "text/plain");
        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PostNdjson_BatchWithOneBadLine_RecordsGoodLinesAndReportsBadLine()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string body = Some.DecisionJson(10, "b-10") + "\n" + Some.InvalidDecisionJson + "\n\n" + Some.DecisionJson(12, "b-12") + "\n";

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Ndjson(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement[] receipts = [.. result.RootElement.GetProperty("receipts").EnumerateArray()];
        Assert.Equal(["b-10", "b-12"], receipts.Select(r => r.GetProperty("requestId").GetString()));
        Assert.Equal([1L, 4L], receipts.Select(r => r.GetProperty("line").GetInt64()));
        JsonElement error = Assert.Single(result.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(2, error.GetProperty("line").GetInt64());
        Assert.Equal("model.version", error.GetProperty("path").GetString());
        Assert.Equal(HttpStatusCode.OK, (await collector.SendAsync(HttpMethod.Get, "/v1/decisions/b-12", ApiKeyRole.Reader)).StatusCode);
    }

    [Fact]
    public async Task PostNdjson_LargeChunkedBatch_RecordsEveryLineWithReceiptsInLineOrder()
    {
        // Larger than the first rented buffers on both sides: the body arrives in many pipe reads
        // without a Content-Length, and the receipts outgrow the answer's first buffer (proofs make them long).
        await using RunningCollector collector = await RunningCollector.StartAsync();
        const int Lines = 1500;
        string body = string.Concat(Enumerable.Range(0, Lines).Select(i => Some.DecisionJson(5000 + i, $"big-{i}") + "\n"));
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)), 1000);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        using HttpRequestMessage request = collector.Request(HttpMethod.Post, "/v1/decisions?proof=true", collector.Keys[ApiKeyRole.Ingest], content);
        request.Headers.TransferEncodingChunked = true;

        using HttpResponseMessage response = await collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), response.Content.Headers.ContentLength);
        using JsonDocument result = JsonDocument.Parse(text);
        JsonElement[] receipts = [.. result.RootElement.GetProperty("receipts").EnumerateArray()];
        Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"big-{i}"), receipts.Select(r => r.GetProperty("requestId").GetString()));
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => (long)i), receipts.Select(r => r.GetProperty("line").GetInt64()));
        Assert.All(receipts, r => Assert.True(r.TryGetProperty("proof", out _)));
        Assert.Empty(result.RootElement.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task PostNdjson_AllLinesBad_Returns400WithEveryLine()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string body = Some.InvalidDecisionJson + "\n{not json\n";

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Ndjson(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal([1L, 2L], problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt64()));
        Assert.Contains("line 1", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostNdjson_DuplicateInBatch_ReportsThatLineOnly()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string body = Some.DecisionJson(20, "d-20") + "\n" + Some.DecisionJson(0, "seed-1") + "\n";

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Ndjson(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Single(result.RootElement.GetProperty("receipts").EnumerateArray());
        JsonElement error = Assert.Single(result.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(2, error.GetProperty("line").GetInt64());
        Assert.Equal("requestId", error.GetProperty("path").GetString());
    }

    [Fact]
    public async Task PostJson_BodyOverDefaultLimit_Returns413AndLosesNothing()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string huge = "{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{\"blob\":\"" + new string('x', (int)CollectorOptions.DefaultMaxDecisionBytes) + "\"},\"output\":{}}";

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(huge));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertStillRecordsAsync(collector, expectedCount: RunningCollector.SeedCount);
    }

    [Fact]
    public async Task PostNdjson_ChunkedBodyOverBatchLimit_Returns413AndRecordsNoLine()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        await collector.StopServerAsync();
        await collector.StartServerAsync(new CollectorOptions { MaxBatchBytes = 2048 });
        string body = string.Concat(Enumerable.Range(100, 20).Select(i => Some.DecisionJson(i) + "\n"));
        Assert.True(body.Length > 2048);

        // No Content-Length: the limit must hold while streaming, not just on the header.
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        using HttpRequestMessage request = collector.Request(HttpMethod.Post, "/v1/decisions", collector.Keys[ApiKeyRole.Ingest], content);
        request.Headers.TransferEncodingChunked = true;
        using HttpResponseMessage response = await collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertStillRecordsAsync(collector, expectedCount: RunningCollector.SeedCount);
    }

    [Fact]
    public async Task PostNdjson_LineOverDecisionLimit_RefusesThatLineOnly()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        await collector.StopServerAsync();
        await collector.StartServerAsync(new CollectorOptions { MaxDecisionBytes = 400 });
        string big = "{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{\"blob\":\"" + new string('x', 500) + "\"},\"output\":{}}";

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Ndjson(Some.DecisionJson(1) + "\n" + big + "\n"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Single(result.RootElement.GetProperty("receipts").EnumerateArray());
        Assert.Equal(2, Assert.Single(result.RootElement.GetProperty("errors").EnumerateArray()).GetProperty("line").GetInt64());
    }

    [Fact]
    public async Task PostJson_ManyConcurrentClients_EveryReceiptDistinctAndVerified()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        var tasks = Enumerable.Range(0, 8).Select(async client =>
        {
            var seqs = new List<long>();
            for (int i = 0; i < 20; i++)
            {
                using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson((client * 100) + i)));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using JsonDocument receipt = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                seqs.Add(receipt.RootElement.GetProperty("seq").GetInt64());
            }

            return seqs;
        });
        long[] all = [.. (await Task.WhenAll(tasks)).SelectMany(s => s).Order()];
        await collector.StopServerAsync();

        Assert.Equal(Enumerable.Range(RunningCollector.SeedCount, 160).Select(i => (long)i), all);
        LedgerDirectory ledger = LedgerDirectory.Open(collector.LedgerPath);
        await using var store = new SqliteLedgerStore(ledger.DatabasePath);
        await store.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, ledger.Signer.Verifier, ledger.Config.Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal(RunningCollector.SeedCount + 160, report.TreeSize);
    }

    [Fact]
    public async Task Receipts_AfterShutdown_MatchVerifiedLedger()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string body = string.Concat(Enumerable.Range(200, 25).Select(i => Some.DecisionJson(i) + "\n"));
        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Ndjson(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        // Stopping drains the recorder and signs a final checkpoint over every receipt.
        await collector.StopServerAsync();

        LedgerDirectory ledger = LedgerDirectory.Open(collector.LedgerPath);
        await using var store = new SqliteLedgerStore(ledger.DatabasePath);
        await store.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, ledger.Signer.Verifier, ledger.Config.Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal(RunningCollector.SeedCount + 25, report.TreeSize);
        foreach (JsonElement receipt in result.RootElement.GetProperty("receipts").EnumerateArray())
        {
            StoredEntry? entry = await store.GetEntryAsync(receipt.GetProperty("seq").GetInt64());
            Assert.NotNull(entry);
            Assert.Equal(receipt.GetProperty("requestId").GetString(), entry.Columns.RequestId);
            Assert.Equal(receipt.GetProperty("leafHash").GetString(), entry.LeafHash.ToBase64());
        }
    }

    private static async Task AssertStillRecordsAsync(RunningCollector collector, int expectedCount)
    {
        using HttpResponseMessage query = await collector.SendAsync(HttpMethod.Get, "/v1/decisions?limit=100", ApiKeyRole.Reader);
        using JsonDocument page = JsonDocument.Parse(await query.Content.ReadAsStringAsync());
        Assert.Equal(expectedCount, page.RootElement.GetProperty("entries").GetArrayLength());
        using HttpResponseMessage next = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(999, "after-413")));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    private static void AssertProvenReceipt(JsonElement receipt, NoteVerifier verifier, long seq)
    {
        Assert.Equal(seq, receipt.GetProperty("seq").GetInt64());
        Checkpoint checkpoint = CheckpointNote.Open(receipt.GetProperty("checkpoint").GetString()!, verifier);
        JsonElement proof = receipt.GetProperty("proof");
        Assert.Equal(seq, proof.GetProperty("leafIndex").GetInt64());
        Assert.Equal(checkpoint.Size, proof.GetProperty("treeSize").GetInt64());
        Assert.Equal(receipt.GetProperty("leafHash").GetString(), proof.GetProperty("leafHash").GetString());
        Assert.True(MerkleProofVerifier.VerifyInclusion(
            seq,
            checkpoint.Size,
            Sha256Hash.FromBase64(proof.GetProperty("leafHash").GetString()!),
            [.. proof.GetProperty("hashes").EnumerateArray().Select(h => Sha256Hash.FromBase64(h.GetString()!))],
            checkpoint.RootHash));
    }
}
