using System.Net;
using System.Text;
using System.Text.Json;
using DecisionLedger.Ledger;
using DecisionLedger.Server.Auth;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Server.Tests;

public sealed class CloudEventTests
{
    [Fact]
    public async Task RequestThenResponse_RecordsOneDecisionWithBothBodies()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];

        using HttpResponseMessage first = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "0009174a-24a8-4603-b098-09c8799950e9", KServe.V1Request));
        using HttpResponseMessage second = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "0009174a-24a8-4603-b098-09c8799950e9", KServe.V1Response, KServe.RequestTime.AddMilliseconds(2.5)));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using (JsonDocument pending = JsonDocument.Parse(await first.Content.ReadAsStringAsync()))
        {
            Assert.Equal("pending", pending.RootElement.GetProperty("status").GetString());
            Assert.Equal("response", pending.RootElement.GetProperty("waitingFor").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using JsonDocument receipt = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(RunningCollector.SeedCount, receipt.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal("0009174a-24a8-4603-b098-09c8799950e9", receipt.RootElement.GetProperty("requestId").GetString());

        JsonElement entry = await ShowAsync(collector, "0009174a-24a8-4603-b098-09c8799950e9");
        Assert.Equal("sklearn-iris", entry.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal("unknown", entry.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal("[1,1]", entry.GetProperty("output").GetProperty("predictions").GetRawText());
        Assert.Equal(2.5, entry.GetProperty("latencyMs").GetDouble(), 3);
        Assert.StartsWith("2026-11-23T12:00:00", entry.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        JsonElement metadata = entry.GetProperty("metadata");
        Assert.Equal("kserve-cloudevents", metadata.GetProperty("capture").GetString());
        Assert.Equal("default", metadata.GetProperty("namespace").GetString());
        Assert.Equal("predictor", metadata.GetProperty("component").GetString());
        Assert.Equal(KServe.Source, metadata.GetProperty("ceSource").GetString());
        Assert.Equal("abc-123", metadata.GetProperty("headers").GetProperty("X-Request-Id")[0].GetString());
        Assert.Equal("00-90bdf848647d50283394155d2df58f19-84dacdfdf07cadfc-00", metadata.GetProperty("traceparent").GetString());
        Assert.False(metadata.TryGetProperty("endpoint", out _), "an empty Ce-Endpoint is left out");
        Assert.False(metadata.TryGetProperty("missingHalf", out _));

        // The request body is the stored input, and the ledger verifies.
        await collector.StopServerAsync();
        await using SqliteLedgerStore store = await OpenStoreAsync(collector);
        StoredInput? input = await store.GetInputAsync(RunningCollector.SeedCount);
        Assert.NotNull(input);
        using JsonDocument stored = JsonDocument.Parse(input.Input);
        Assert.Equal(2, stored.RootElement.GetProperty("instances").GetArrayLength());
        await AssertVerifiedAsync(collector, store, RunningCollector.SeedCount + 1);
    }

    [Fact]
    public async Task ResponseThenRequest_PairsAndTakesModelVersionFromV2Response()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];

        using HttpResponseMessage first = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "r-first", KServe.V2Response, KServe.RequestTime.AddMilliseconds(7)));
        using HttpResponseMessage second = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "r-first", KServe.V1Request));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Contains("\"waitingFor\":\"request\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        JsonElement entry = await ShowAsync(collector, "r-first");
        Assert.Equal("v3", entry.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(7, entry.GetProperty("latencyMs").GetDouble(), 3);
        Assert.Equal("INT64", entry.GetProperty("output").GetProperty("outputs")[0].GetProperty("datatype").GetString());
    }

    [Theory]
    [InlineData("request")]
    [InlineData("response")]
    public async Task LoneHalf_RecordedAloneAfterTimeout_MarkedWithMissingHalf(string half)
    {
        var time = new FakeTimeProvider(KServe.RequestTime);
        await using RunningCollector collector = await RunningCollector.StartAsync(new CollectorOptions { TimeProvider = time, CloudEventPairTimeout = TimeSpan.FromSeconds(30) });
        string key = collector.Keys[ApiKeyRole.Ingest];
        bool isRequest = half == "request";

        using HttpResponseMessage sent = await collector.Client.SendAsync(KServe.Event(key, isRequest ? KServe.RequestType : KServe.ResponseType, "lone-" + half, isRequest ? KServe.V1Request : KServe.V1Response));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);

        time.Advance(TimeSpan.FromSeconds(29));
        using (HttpResponseMessage early = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/lone-" + half, ApiKeyRole.Reader))
        {
            Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        JsonElement entry = await WaitForDecisionAsync(collector, "lone-" + half);
        JsonElement metadata = entry.GetProperty("metadata");
        Assert.Equal(isRequest ? "response" : "request", metadata.GetProperty("missingHalf").GetString());
        Assert.Equal("timeout", metadata.GetProperty("recordedAlone").GetString());
        Assert.False(entry.TryGetProperty("latencyMs", out _));
        if (isRequest)
        {
            Assert.Equal("{}", entry.GetProperty("output").GetRawText());
        }
        else
        {
            Assert.Equal("[1,1]", entry.GetProperty("output").GetProperty("predictions").GetRawText());
        }

        // A partner arriving after the half was recorded alone is refused by the ledger, not recorded twice.
        using HttpResponseMessage late = await collector.Client.SendAsync(KServe.Event(key, isRequest ? KServe.ResponseType : KServe.RequestType, "lone-" + half, isRequest ? KServe.V1Response : KServe.V1Request));
        Assert.Equal(HttpStatusCode.Accepted, late.StatusCode);
    }

    [Fact]
    public async Task DuplicateHalves_RedeliveryAccepted_DifferentBodyConflicts_PairRecordedOnce()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];

        using HttpResponseMessage first = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "dup-1", KServe.V1Request));
        using HttpResponseMessage again = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "dup-1", KServe.V1Request));
        using HttpResponseMessage different = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "dup-1", "{\"instances\":[[0,0,0,0]]}"));
        using HttpResponseMessage response = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "dup-1", KServe.V1Response));
        using HttpResponseMessage responseAgain = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "dup-1", KServe.V1Response));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Contains("\"status\":\"redelivered\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal("application/problem+json", different.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ce-id", await different.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The pair is recorded; the redelivered response now waits alone and will meet the ledger's uniqueness check.
        Assert.Equal(HttpStatusCode.Accepted, responseAgain.StatusCode);
        JsonElement entry = await ShowAsync(collector, "dup-1");
        Assert.Equal("[1,1]", entry.GetProperty("output").GetProperty("predictions").GetRawText());
        await collector.StopServerAsync();
        await using SqliteLedgerStore store = await OpenStoreAsync(collector);
        await AssertVerifiedAsync(collector, store, RunningCollector.SeedCount + 1);
        Assert.Contains(collector.Logs.Entries, m => m.EventId == 3006 && m.Message.Contains("dup-1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Ce-Id", null, "ce-id")]
    [InlineData("Ce-Type", null, "ce-type")]
    [InlineData(null, "Ce-Type=com.example.other", "ce-type")]
    [InlineData(null, "Ce-Specversion=0.3", "ce-specversion")]
    [InlineData("Ce-Specversion", null, "ce-specversion")]
    [InlineData("Ce-Source", null, "ce-source")]
    [InlineData("Ce-Inferenceservicename", null, "ce-inferenceservicename")]
    [InlineData(null, "Ce-Time=yesterday", "ce-time")]
    [InlineData(null, "Ce-Metadata=not json", "ce-metadata")]
    public async Task BadOrMissingHeader_Returns400NamingTheHeader(string? omit, string? replace, string field)
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        (string, string)? replacement = replace is null ? null : (replace.Split('=')[0], replace.Split('=')[1]);

        using HttpResponseMessage response = await collector.Client.SendAsync(KServe.Event(collector.Keys[ApiKeyRole.Ingest], KServe.RequestType, "bad-1", KServe.V1Request, omit: omit, replace: replacement));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("path").GetString());
        Assert.StartsWith(field + ":", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyNotJson_DeclaredJson_Returns400_OtherwiseKeptAsBase64()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];

        using HttpResponseMessage bad = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "png-0", "{not json"));
        using HttpResponseMessage image = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "png-1", "\u0089PNG raw bytes", contentType: "image/png"));
        using HttpResponseMessage answer = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "png-1", KServe.V1Response, contentType: "image/png"));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"path\":\"body\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, image.StatusCode);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        await collector.StopServerAsync();
        await using SqliteLedgerStore store = await OpenStoreAsync(collector);
        StoredInput? input = await store.GetInputAsync(RunningCollector.SeedCount);
        using JsonDocument stored = JsonDocument.Parse(input!.Input);
        Assert.Equal("image/png", stored.RootElement.GetProperty("datacontenttype").GetString());
        Assert.Equal("\u0089PNG raw bytes", Encoding.UTF8.GetString(stored.RootElement.GetProperty("data_base64").GetBytesFromBase64()));
    }

    [Fact]
    public async Task BodyOverLimit_Returns413_PendingHalfStillPairs()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(new CollectorOptions { MaxDecisionBytes = 1024 });
        string key = collector.Keys[ApiKeyRole.Ingest];
        string big = "{\"predictions\":[\"" + new string('x', 2000) + "\"]}";

        using HttpResponseMessage request = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "big-1", KServe.V1Request));
        using HttpResponseMessage tooLarge = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "big-1", big));
        using HttpResponseMessage response = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "big-1", KServe.V1Response));

        Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement entry = await ShowAsync(collector, "big-1");
        Assert.Equal("[1,1]", entry.GetProperty("output").GetProperty("predictions").GetRawText());
    }

    [Fact]
    public async Task TooManyPending_Returns503AndHoldsNoMore()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(new CollectorOptions { MaxPendingCloudEvents = 2 });
        string key = collector.Keys[ApiKeyRole.Ingest];

        HttpStatusCode[] statuses = new HttpStatusCode[3];
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "full-" + i, KServe.V1Request));
            statuses[i] = response.StatusCode;
            if (i == 2)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("MaxPendingCloudEvents", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable], statuses);

        // Completing a pair frees a slot.
        using HttpResponseMessage pair = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "full-0", KServe.V1Response));
        using HttpResponseMessage retry = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "full-2", KServe.V1Request));
        Assert.Equal(HttpStatusCode.OK, pair.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
    }

    [Fact]
    public async Task Shutdown_RecordsPendingHalvesBeforeRecorderDrains()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];
        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await collector.Client.SendAsync(KServe.Event(key, i % 2 == 0 ? KServe.RequestType : KServe.ResponseType, "stop-" + i, i % 2 == 0 ? KServe.V1Request : KServe.V1Response));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await collector.StopServerAsync();

        await using SqliteLedgerStore store = await OpenStoreAsync(collector);
        for (int i = 0; i < 5; i++)
        {
            StoredEntry? entry = await store.FindByRequestIdAsync("stop-" + i);
            Assert.NotNull(entry);
            using JsonDocument canonical = JsonDocument.Parse(entry.CanonicalBytes);
            JsonElement metadata = canonical.RootElement.GetProperty("metadata");
            Assert.Equal("shutdown", metadata.GetProperty("recordedAlone").GetString());
            Assert.Equal(i % 2 == 0 ? "response" : "request", metadata.GetProperty("missingHalf").GetString());
        }

        // The final checkpoint covers them.
        await AssertVerifiedAsync(collector, store, RunningCollector.SeedCount + 5);
    }

    [Fact]
    public async Task StructuredMode_PairsWithBinaryHalf()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];
        string structured = "{\"specversion\":\"1.0\",\"id\":\"s-1\",\"source\":\"" + KServe.Source + "\",\"type\":\"" + KServe.RequestType
            + "\",\"time\":\"2026-11-23T12:00:00Z\",\"datacontenttype\":\"application/json\",\"inferenceservicename\":\"sklearn-iris\",\"namespace\":\"default\",\"data\":" + KServe.V1Request + "}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cloudevents") { Content = new StringContent(structured, Encoding.UTF8, "application/cloudevents+json") };
        request.Headers.Add("X-Api-Key", key);

        using HttpResponseMessage first = await collector.Client.SendAsync(request);
        using HttpResponseMessage second = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "s-1", KServe.V1Response));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        JsonElement entry = await ShowAsync(collector, "s-1");
        Assert.Equal("default", entry.GetProperty("metadata").GetProperty("namespace").GetString());
    }

    [Fact]
    public async Task BatchedMode_Returns415()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using var content = new StringContent("[]", Encoding.UTF8, "application/cloudevents-batch+json");

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/cloudevents", ApiKeyRole.Ingest, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("binary mode", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    internal static async Task<JsonElement> ShowAsync(RunningCollector collector, string requestId)
    {
        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/" + requestId, ApiKeyRole.Reader);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using JsonDocument document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>A half recorded alone by the timer is committed in the background: poll for it (bounded).</summary>
    internal static async Task<JsonElement> WaitForDecisionAsync(RunningCollector collector, string requestId)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/" + requestId, ApiKeyRole.Reader);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return document.RootElement.Clone();
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"decision {requestId} was not recorded within 10 s");
    }

    internal static async Task<SqliteLedgerStore> OpenStoreAsync(RunningCollector collector)
    {
        var store = new SqliteLedgerStore(LedgerDirectory.Open(collector.LedgerPath).DatabasePath);
        await store.OpenAsync();
        return store;
    }

    internal static async Task AssertVerifiedAsync(RunningCollector collector, SqliteLedgerStore store, long size)
    {
        LedgerDirectory ledger = LedgerDirectory.Open(collector.LedgerPath);
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, ledger.Signer.Verifier, ledger.Config.Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal(size, report.TreeSize);
    }
}
