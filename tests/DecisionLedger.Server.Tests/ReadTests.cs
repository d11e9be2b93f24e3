using System.Net;
using System.Text.Json;
using DecisionLedger.Access;
using DecisionLedger.Server.Auth;

namespace DecisionLedger.Server.Tests;

public sealed class ReadTests
{
    [Fact]
    public async Task Query_Paged_ReturnsNewestFirstWithCursor()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage first = await collector.SendAsync(HttpMethod.Get, "/v1/decisions?model=fraud_detector&limit=2", ApiKeyRole.Reader);
        using JsonDocument page = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        Assert.Equal(["seed-2", "seed-1"], page.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("requestId").GetString()));
        long cursor = page.RootElement.GetProperty("nextCursor").GetInt64();

        using HttpResponseMessage second = await collector.SendAsync(HttpMethod.Get, $"/v1/decisions?limit=2&beforeSeq={cursor}", ApiKeyRole.Reader);
        using JsonDocument rest = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(["seed-0"], rest.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("requestId").GetString()));
        Assert.Equal(JsonValueKind.Null, rest.RootElement.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Query_BadTime_Returns400NamingParameter()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, "/v1/decisions?from=yesterday", ApiKeyRole.Reader);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("from: 'yesterday'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownRequestId_Returns404()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/nope", ApiKeyRole.Reader);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Show_ByReader_IsInAccessLogWithKeyAndRoute()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string readerId = collector.KeyStore.Authenticate(collector.Keys[ApiKeyRole.Reader])!.KeyId;

        using HttpResponseMessage show = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/seed-1", ApiKeyRole.Reader);
        Assert.Equal(HttpStatusCode.OK, show.StatusCode);
        using HttpResponseMessage query = await collector.SendAsync(HttpMethod.Get, "/v1/decisions?subject=customer-0002", ApiKeyRole.Admin);
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);

        using HttpResponseMessage log = await collector.SendAsync(HttpMethod.Get, "/v1/access-log?requestId=seed-1", ApiKeyRole.Auditor);
        using JsonDocument entries = JsonDocument.Parse(await log.Content.ReadAsStringAsync());
        JsonElement entry = Assert.Single(entries.RootElement.GetProperty("entries").EnumerateArray());
        Assert.Equal(readerId, entry.GetProperty("keyId").GetString());
        Assert.Equal("test-reader", entry.GetProperty("keyName").GetString());
        Assert.Equal("GET /v1/decisions/{requestId}", entry.GetProperty("route").GetString());
        Assert.Equal(1, entry.GetProperty("seqs")[0].GetInt64());

        var all = new List<AccessRecord>();
        await foreach (AccessRecord record in new AccessLog(collector.LedgerPath).ReadAsync())
        {
            all.Add(record);
        }

        Assert.Equal(2, all.Count);
        Assert.Equal(["seed-2"], all[1].RequestIds);
        Assert.Equal("admin", all[1].Role);
    }

    [Fact]
    public async Task Checkpoint_AndInclusionProof_VerifyAgainstEachOther()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage note = await collector.SendAsync(HttpMethod.Get, "/v1/checkpoint", ApiKeyRole.Auditor);
        string text = await note.Content.ReadAsStringAsync();
        Assert.Equal("text/plain", note.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("test.example/collector\n3\n", text, StringComparison.Ordinal);

        using HttpResponseMessage proof = await collector.SendAsync(HttpMethod.Get, "/v1/proof/inclusion?seq=1", ApiKeyRole.Auditor);
        using JsonDocument json = JsonDocument.Parse(await proof.Content.ReadAsStringAsync());
        Assert.Equal(1, json.RootElement.GetProperty("leafIndex").GetInt64());
        Assert.Equal(3, json.RootElement.GetProperty("treeSize").GetInt64());
        Assert.Equal(2, json.RootElement.GetProperty("hashes").GetArrayLength());

        using HttpResponseMessage outside = await collector.SendAsync(HttpMethod.Get, "/v1/proof/inclusion?seq=99", ApiKeyRole.Auditor);
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
    }

    [Fact]
    public async Task Revoke_WhileRunning_RefusesKeyFromNextRequest()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await collector.SendAsync(HttpMethod.Get, "/v1/decisions", ApiKeyRole.Reader)).StatusCode);

        collector.KeyStore.Revoke(collector.Keys[ApiKeyRole.Reader]);

        Assert.Equal(HttpStatusCode.Unauthorized, (await collector.SendAsync(HttpMethod.Get, "/v1/decisions", ApiKeyRole.Reader)).StatusCode);
    }

    [Fact]
    public async Task WrongSecret_IsLoggedWithKeyIdButNeverTheSecret()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string id = collector.KeyStore.Authenticate(collector.Keys[ApiKeyRole.Reader])!.KeyId;
        const string Secret = "f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed";

        using HttpRequestMessage request = collector.Request(HttpMethod.Get, "/v1/decisions", $"dl_{id}_{Secret}");
        using HttpResponseMessage response = await collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        (int _, string message) = Assert.Single(collector.Logs.Messages, m => m.EventId == 3001);
        Assert.Contains(id, message, StringComparison.Ordinal);
        Assert.DoesNotContain(collector.Logs.Messages, m => m.Message.Contains(Secret, StringComparison.Ordinal));
    }
}
