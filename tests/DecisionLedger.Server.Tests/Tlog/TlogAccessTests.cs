using System.Net;
using DecisionLedger.Server.Auth;

namespace DecisionLedger.Server.Tests.Tlog;

/// <summary>
/// Who may read /tlog/: the checkpoint and hash tiles need a monitor, auditor or admin key (or nothing, with
/// <see cref="CollectorOptions.PublicTlogTiles"/>); entry bundles always need an auditor or admin key.
/// </summary>
public sealed class TlogAccessTests(CollectorFixture fixture) : IClassFixture<CollectorFixture>
{
    private const string Checkpoint = "/tlog/checkpoint";
    private const string HashTile = "/tlog/tile/0/000.p/3";
    private const string Bundle = "/tlog/tile/entries/000.p/3";

    public static TheoryData<string, string, HttpStatusCode> Matrix() => new()
    {
        { Checkpoint, "monitor", HttpStatusCode.OK },
        { Checkpoint, "auditor", HttpStatusCode.OK },
        { Checkpoint, "admin", HttpStatusCode.OK },
        { Checkpoint, "reader", HttpStatusCode.Forbidden },
        { Checkpoint, "ingest", HttpStatusCode.Forbidden },
        { Checkpoint, "none", HttpStatusCode.Unauthorized },
        { Checkpoint, "revoked", HttpStatusCode.Unauthorized },
        { HashTile, "monitor", HttpStatusCode.OK },
        { HashTile, "auditor", HttpStatusCode.OK },
        { HashTile, "admin", HttpStatusCode.OK },
        { HashTile, "reader", HttpStatusCode.Forbidden },
        { HashTile, "ingest", HttpStatusCode.Forbidden },
        { HashTile, "none", HttpStatusCode.Unauthorized },
        { Bundle, "auditor", HttpStatusCode.OK },
        { Bundle, "admin", HttpStatusCode.OK },
        { Bundle, "monitor", HttpStatusCode.Forbidden },
        { Bundle, "reader", HttpStatusCode.Forbidden },
        { Bundle, "ingest", HttpStatusCode.Forbidden },
        { Bundle, "none", HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Route_Caller_GetsStatusOfRoleTable(string path, string caller, HttpStatusCode expected)
    {
        RunningCollector collector = fixture.Collector;
        string? key = caller switch
        {
            "none" => null,
            "revoked" => collector.RevokedKey,
            _ => collector.Keys[ApiKeyRoles.Parse(caller)],
        };

        using HttpResponseMessage response = await collector.Client.SendAsync(collector.Request(HttpMethod.Get, path, key));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task EntryBundleRead_IsRecordedInTheAccessLog_HashTileReadIsNot()
    {
        RunningCollector collector = fixture.Collector;
        using (HttpResponseMessage bundle = await collector.SendAsync(HttpMethod.Get, "/tlog/tile/entries/000.p/2", ApiKeyRole.Auditor))
        {
            Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        }

        using HttpResponseMessage log = await collector.SendAsync(HttpMethod.Get, "/v1/access-log?requestId=seed-1", ApiKeyRole.Auditor);
        using var document = System.Text.Json.JsonDocument.Parse(await log.Content.ReadAsStringAsync());
        var reads = document.RootElement.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("route").GetString() == "GET /tlog/tile/entries/{index}").ToList();
        Assert.NotEmpty(reads);
        Assert.Equal(["seed-0", "seed-1"], reads[^1].GetProperty("requestIds").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("auditor", reads[^1].GetProperty("role").GetString());
    }

    [Fact]
    public async Task MonitorRole_ReadsNoDecisions()
    {
        using HttpResponseMessage response = await fixture.Collector.SendAsync(HttpMethod.Get, "/v1/decisions?limit=1", ApiKeyRole.Monitor);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task PublicTlogTiles_CheckpointAndHashTilesNeedNoKey_BundlesStillNeedAuditor()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(new CollectorOptions { PublicTlogTiles = true });

        using HttpResponseMessage checkpoint = await collector.Client.GetAsync(Checkpoint);
        using HttpResponseMessage tile = await collector.Client.GetAsync(HashTile);
        using HttpResponseMessage bundle = await collector.Client.GetAsync(Bundle);
        using HttpResponseMessage monitorBundle = await collector.SendAsync(HttpMethod.Get, Bundle, ApiKeyRole.Monitor);

        Assert.Equal(HttpStatusCode.OK, checkpoint.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bundle.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, monitorBundle.StatusCode);
    }

    [Fact]
    public async Task EntryLongerThan65535Bytes_BundleRefusedWith501NamingSeqAndLimit_HashTileStillServed()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        await collector.StopServerAsync();
        // Two strings, each under the parser's 65,536-character limit, make an entry over the bundle's 65,535 bytes.
        string big = Some.DecisionJson(9).Replace("\"label\":\"legit\"", "\"label\":\"" + new string('a', 40_000) + "\",\"note\":\"" + new string('b', 40_000) + "\"", StringComparison.Ordinal);
        await TlogCollector.AppendAsync(collector, [big]);
        await collector.StartServerAsync();

        using HttpResponseMessage bundle = await collector.SendAsync(HttpMethod.Get, "/tlog/tile/entries/000.p/4", ApiKeyRole.Auditor);
        using HttpResponseMessage smaller = await collector.SendAsync(HttpMethod.Get, "/tlog/tile/entries/000.p/3", ApiKeyRole.Auditor);
        using HttpResponseMessage tile = await collector.SendAsync(HttpMethod.Get, "/tlog/tile/0/000.p/4", ApiKeyRole.Monitor);

        Assert.Equal(HttpStatusCode.NotImplemented, bundle.StatusCode);
        string detail = await bundle.Content.ReadAsStringAsync();
        Assert.Contains("seq 3", detail, StringComparison.Ordinal);
        Assert.Contains("65535", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, smaller.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
    }
}
