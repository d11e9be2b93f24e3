using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DecisionLedger.Ledger;
using DecisionLedger.Server.Auth;
using DecisionLedger.Sqlite;
using DecisionLedger.Verification;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// Issue 12, isolation: one client's bad bytes are that client's 400, naming the field, and never cost another
/// client's decision. The reproductions are sent over real HTTP as raw bytes, exactly as an attacker would.
/// </summary>
public sealed class HostileInputTests
{
    // The reproduction: printf '{"requestId":"k1",...,"input":{"k\xff":1},"output":{}}'
    private static readonly byte[] InvalidMemberName = Splice("""{"requestId":"k1","model":{"name":"m","version":"1"},"input":{"k§":1},"output":{}}""", 0xFF);

    [Fact]
    public async Task PostJson_InvalidUtf8InInputMemberName_Returns400NamingTheField()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, Raw(InvalidMemberName, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("input['k\uFFFD']", problem.RootElement.GetProperty("path").GetString());
        Assert.Contains("not valid UTF-8", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await collector.SendAsync(HttpMethod.Get, "/v1/decisions/k1", ApiKeyRole.Reader)).StatusCode);
    }

    [Fact]
    public async Task PostJson_HostileAndValidDecisionsInTheSameMoment_EveryValidOneIsRecordedAndTheLedgerVerifies()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        const int Valid = 120;
        const int Hostile = 12;

        // Interleaved and all in flight at once, so hostile and valid decisions share group commits.
        var sends = new List<Task<HttpResponseMessage>>();
        for (int i = 0; i < Valid; i++)
        {
            sends.Add(collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(i, $"valid-{i}"))));
            if (i % (Valid / Hostile) == 0)
            {
                sends.Add(collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, Raw(InvalidMemberName, "application/json")));
            }
        }

        HttpResponseMessage[] responses = await Task.WhenAll(sends);
        var statuses = responses.Select(response => response.StatusCode).ToList();
        foreach (HttpResponseMessage response in responses)
        {
            response.Dispose();
        }

        Assert.Equal(Valid, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(Hostile, statuses.Count(status => status == HttpStatusCode.BadRequest));
        await collector.StopServerAsync();
        await using var store = new SqliteLedgerStore(LedgerDirectory.Open(collector.LedgerPath).DatabasePath);
        Assert.Equal(RunningCollector.SeedCount + Valid, await store.GetSizeAsync());
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, LedgerDirectory.Open(collector.LedgerPath).Signer.Verifier, "test.example/collector");
        Assert.True(report.Passed, report.FirstFinding?.Detail);
    }

    [Fact]
    public async Task PostNdjson_InvalidUtf8LineAndGoodLine_RecordsTheGoodLineAndReportsTheBadOne()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        byte[] body = [.. InvalidMemberName, (byte)'\n', .. Encoding.UTF8.GetBytes(Some.DecisionJson(20, "good-20")), (byte)'\n'];

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, Raw(body, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement receipt = Assert.Single(result.RootElement.GetProperty("receipts").EnumerateArray());
        Assert.Equal("good-20", receipt.GetProperty("requestId").GetString());
        JsonElement error = Assert.Single(result.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(1, error.GetProperty("line").GetInt64());
        Assert.Equal("input['k\uFFFD']", error.GetProperty("path").GetString());
        Assert.Equal(HttpStatusCode.OK, (await collector.SendAsync(HttpMethod.Get, "/v1/decisions/good-20", ApiKeyRole.Reader)).StatusCode);
    }

    [Theory]
    [InlineData("""{"requestId":"s1","model":{"name":"m","version":"1"},"input":{"name":"Jos§"},"output":{}}""", "input.name")]
    [InlineData("""{"requestId":"k§2","model":{"name":"m","version":"1"},"input":{},"output":{}}""", "requestId")]
    [InlineData("""{"requestId":"s3","model":{"name":"m","version":"1"},"input":{},"output":{},"metadata":{"ua":"§"}}""", "metadata.ua")]
    public async Task PostJson_InvalidUtf8InStringValue_Returns400NamingTheFieldNot500(string template, string path)
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, Raw(Splice(template, 0xC3, 0x28), "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(path, problem.RootElement.GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("""{"requestId":"a\u202Eb","model":{"name":"m","version":"1"},"input":{},"output":{}}""", "requestId")]
    [InlineData("""{"model":{"name":"m\uFFFF","version":"1"},"input":{},"output":{}}""", "model.name")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{"x":"a\u0000"},"output":{}}""", "input.x")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{"\udc00":1},"output":{}}""", "input['\\\\udc00']")]
    public async Task PostJson_ForbiddenCharacterEscape_Returns400NamingTheField(string json, string path)
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(path, problem.RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public async Task CloudEvent_InvalidUtf8InDeclaredJsonBody_IsRefusedNotRecordedAltered()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];
        using HttpRequestMessage request = KServe.Event(key, KServe.RequestType, "ce-hostile", KServe.V1Request);
        request.Content = Raw(Splice("""{"instances":[[6.8,2.8,4.8,1.4]],"k§":1}""", 0xFF), "application/json");

        using HttpResponseMessage response = await collector.Client.SendAsync(request);

        // Before: accepted, and the byte recorded as U+FFFD, an input the client never sent.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid UTF-8", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"instances":[[1]],"s":"\ud800"}""", "unpaired surrogate")]
    [InlineData("""{"instances":[[1]],"s":"a\u0000"}""", "input.s")]
    public async Task CloudEvent_ForbiddenEscapeInBody_IsRefusedNot500(string body, string reported)
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];

        using HttpResponseMessage first = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "ce-escape", body));
        using HttpResponseMessage second = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "ce-escape", KServe.V1Response));

        string bodies = await first.Content.ReadAsStringAsync() + await second.Content.ReadAsStringAsync();
        Assert.True((int)first.StatusCode < 500 && (int)second.StatusCode < 500, $"{first.StatusCode} {second.StatusCode}: {bodies}");
        Assert.Contains(reported, bodies, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await collector.SendAsync(HttpMethod.Get, "/v1/decisions/ce-escape", ApiKeyRole.Reader)).StatusCode);
    }

    private static ByteArrayContent Raw(byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    // Puts raw bytes where the template has its one '§', so invalid UTF-8 lands exactly there.
    private static byte[] Splice(string template, params byte[] bytes)
    {
        int at = template.IndexOf('§', StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(template[..at]), .. bytes, .. Encoding.UTF8.GetBytes(template[(at + 1)..])];
    }
}
