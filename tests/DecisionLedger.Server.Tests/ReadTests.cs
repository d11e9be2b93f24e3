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
        string cursor = page.RootElement.GetProperty("nextCursor").GetString()!;

        using HttpResponseMessage second = await collector.SendAsync(HttpMethod.Get, $"/v1/decisions?model=fraud_detector&limit=2&cursor={cursor}", ApiKeyRole.Reader);
        using JsonDocument rest = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(["seed-0"], rest.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("requestId").GetString()));
        Assert.Equal(JsonValueKind.Null, rest.RootElement.GetProperty("nextCursor").ValueKind);

        // The numeric keyset parameter of earlier versions still works.
        using HttpResponseMessage legacy = await collector.SendAsync(HttpMethod.Get, "/v1/decisions?limit=2&beforeSeq=1", ApiKeyRole.Reader);
        using JsonDocument old = JsonDocument.Parse(await legacy.Content.ReadAsStringAsync());
        Assert.Equal(["seed-0"], old.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("requestId").GetString()));
    }

    [Fact]
    public async Task Query_RepeatedWhere_MatchesInputAndOutputPredicates()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string url = "/v1/decisions?where=" + Uri.EscapeDataString("input.amount > 1") + "&where=" + Uri.EscapeDataString("output.label = \"legit\" and output.score < 0.5");

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, url, ApiKeyRole.Reader);
        using HttpResponseMessage none = await collector.SendAsync(HttpMethod.Get, "/v1/decisions?where=" + Uri.EscapeDataString("output.label = \"fraud\""), ApiKeyRole.Reader);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["seed-2", "seed-1"], page.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("requestId").GetString()));
        using JsonDocument empty = JsonDocument.Parse(await none.Content.ReadAsStringAsync());
        Assert.Equal(0, empty.RootElement.GetProperty("entries").GetArrayLength());
    }

    [Theory]
    [InlineData("where=output.score%20%3D%3E%200.9", "where: at column 14, expected an operator (=, !=, <, <=, >, >=, contains, exists) but found \"=>\"; did you mean >=?")]
    [InlineData("where=output.lable%20%3D%20%22x%22", "where: unknown field \"output.lable\"; output fields seen: label, score.")]
    [InlineData("where=output.label%20%3D%20%22x%22&where=output.score", "where #2: at column 13, expected an operator (=, !=, <, <=, >, >=, contains, exists) but found end of input")]
    [InlineData("cursor=garbage", "cursor: \"garbage\" is not a query cursor; pass the nextCursor of a previous page unchanged, or drop cursor to start from the newest decision.")]
    [InlineData("allowScan=maybe", "allowScan: 'maybe' is not true or false.")]
    public async Task Query_BadWhereOrCursor_Returns400ProblemNamingIt(string queryString, string detail)
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, "/v1/decisions?" + queryString, ApiKeyRole.Reader);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Query_CursorOfOtherQuery_Returns400()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using HttpResponseMessage first = await collector.SendAsync(HttpMethod.Get, "/v1/decisions?limit=1", ApiKeyRole.Reader);
        using JsonDocument page = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        string cursor = page.RootElement.GetProperty("nextCursor").GetString()!;

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, $"/v1/decisions?limit=1&user=analyst_jane&cursor={cursor}", ApiKeyRole.Reader);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cursor: this cursor belongs to a query with other filters", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
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
        string message = Assert.Single(collector.Logs.Entries, m => m.EventId == 3001).Message;
        Assert.Contains(id, message, StringComparison.Ordinal);
        Assert.DoesNotContain(collector.Logs.Entries, m => m.Message.Contains(Secret, StringComparison.Ordinal));
    }
}
