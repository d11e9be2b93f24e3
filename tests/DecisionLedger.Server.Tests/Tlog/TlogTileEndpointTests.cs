using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using DecisionLedger.Server.Auth;

namespace DecisionLedger.Server.Tests.Tlog;

/// <summary>The tlog-tiles read API under /tlog/: contents, caching, 404 beyond the tree, 400 for malformed paths.</summary>
public sealed class TlogTileEndpointTests(TlogCollector fixture) : IClassFixture<TlogCollector>
{
    private RunningCollector Collector => fixture.Collector;

    [Fact]
    public async Task Checkpoint_Monitor_IsTheSignedNoteOfV1Checkpoint_NotCached()
    {
        using HttpResponseMessage tlog = await Collector.SendAsync(HttpMethod.Get, "/tlog/checkpoint", ApiKeyRole.Monitor);
        using HttpResponseMessage v1 = await Collector.SendAsync(HttpMethod.Get, "/v1/checkpoint", ApiKeyRole.Auditor);

        Assert.Equal(HttpStatusCode.OK, tlog.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", tlog.Content.Headers.ContentType!.ToString());
        Assert.True(tlog.Headers.CacheControl!.NoCache);
        string note = await tlog.Content.ReadAsStringAsync();
        Assert.Equal(await v1.Content.ReadAsStringAsync(), note);
        Assert.Equal(TlogCollector.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), note.Split('\n')[1]);
    }

    [Fact]
    public async Task FullHashTile_IsImmutableWithStrongETag_AndRevalidatesTo304()
    {
        using HttpResponseMessage response = await GetAsync("/tlog/tile/0/001", ApiKeyRole.Monitor);
        byte[] tile = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(8192, tile.Length);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.NonValidated["Cache-Control"].ToString());
        Assert.False(response.Headers.ETag!.IsWeak);

        using var again = Collector.Request(HttpMethod.Get, "/tlog/tile/0/001", Collector.Keys[ApiKeyRole.Monitor]);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag);
        using HttpResponseMessage notModified = await Collector.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task LevelZeroTiles_HoldTheLeafHashesOfTheInclusionProofs()
    {
        byte[] full = await BytesAsync("/tlog/tile/0/000");
        byte[] partial = await BytesAsync("/tlog/tile/0/002.p/91");

        Assert.Equal(91 * 32, partial.Length);
        Assert.Equal(await LeafHashAsync(0), full[..32]);
        Assert.Equal(await LeafHashAsync(255), full[(255 * 32)..]);
        Assert.Equal(await LeafHashAsync(512), partial[..32]);
        Assert.Equal(await LeafHashAsync(602), partial[(90 * 32)..]);
    }

    [Fact]
    public async Task LevelOneTile_HoldsTheMerkleTreeHashesOfTheFullLevelZeroTiles()
    {
        byte[] level1 = await BytesAsync("/tlog/tile/1/000.p/2");

        Assert.Equal(64, level1.Length);
        Assert.Equal(SubtreeHash(await BytesAsync("/tlog/tile/0/000")), level1[..32]);
        Assert.Equal(SubtreeHash(await BytesAsync("/tlog/tile/0/001")), level1[32..]);
    }

    [Fact]
    public async Task PartialTile_IsRevalidated_AndANarrowerOneOfAnOlderTreeIsItsPrefix()
    {
        using HttpResponseMessage response = await GetAsync("/tlog/tile/0/002.p/91", ApiKeyRole.Monitor);
        byte[] edge = await response.Content.ReadAsByteArrayAsync();
        byte[] older = await BytesAsync("/tlog/tile/0/002.p/10");
        byte[] prefixOfFull = await BytesAsync("/tlog/tile/0/000.p/3");

        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(edge[..(10 * 32)], older);
        Assert.Equal((await BytesAsync("/tlog/tile/0/000"))[..(3 * 32)], prefixOfFull);
    }

    [Theory]
    [InlineData("/tlog/tile/0/003")]
    [InlineData("/tlog/tile/0/002")]
    [InlineData("/tlog/tile/0/002.p/92")]
    [InlineData("/tlog/tile/1/000")]
    [InlineData("/tlog/tile/1/000.p/3")]
    [InlineData("/tlog/tile/2/000.p/1")]
    [InlineData("/tlog/tile/0/x001/000")]
    [InlineData("/tlog/tile/63/000.p/1")]
    public async Task HashTile_BeyondTheTree_404(string path)
    {
        using HttpResponseMessage response = await GetAsync(path, ApiKeyRole.Monitor);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("beyond the tree", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/tlog/tile/0/1", "'1'")]
    [InlineData("/tlog/tile/0/0001", "'0001'")]
    [InlineData("/tlog/tile/0/001/002", "'001'")]
    [InlineData("/tlog/tile/0/x000/001", "'x000'")]
    [InlineData("/tlog/tile/00/000", "'00'")]
    [InlineData("/tlog/tile/64/000", "'64'")]
    [InlineData("/tlog/tile/hashes/000", "'hashes'")]
    [InlineData("/tlog/tile/0/000.p/0", "'0'")]
    [InlineData("/tlog/tile/0/000.p/256", "'256'")]
    [InlineData("/tlog/tile/0/000.p/07", "'07'")]
    [InlineData("/tlog/tile/0/000.p", "'000.p'")]
    [InlineData("/tlog/tile/0/x999/x999/x999/x999/x999/x999/x999/000", "larger than any tree")]
    public async Task HashTile_MalformedPath_400NamingTheSegment(string path, string named)
    {
        using HttpResponseMessage response = await GetAsync(path, ApiKeyRole.Monitor);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(named, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntryBundles_Auditor_EachEntryHashesToItsLeaf_PrivateImmutableWhenFull()
    {
        using HttpResponseMessage response = await GetAsync("/tlog/tile/entries/001", ApiKeyRole.Auditor);
        byte[] bundle = await response.Content.ReadAsByteArrayAsync();
        byte[] leaves = await BytesAsync("/tlog/tile/0/001");
        using HttpResponseMessage partial = await GetAsync("/tlog/tile/entries/002.p/91", ApiKeyRole.Auditor);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("private, max-age=31536000, immutable", response.Headers.NonValidated["Cache-Control"].ToString());
        List<byte[]> entries = Split(bundle);
        Assert.Equal(256, entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            Assert.Equal(leaves[(i * 32)..((i + 1) * 32)], SHA256.HashData([0, .. entries[i]]));
        }

        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.True(partial.Headers.CacheControl!.NoCache);
        Assert.Equal(91, Split(await partial.Content.ReadAsByteArrayAsync()).Count);
    }

    [Theory]
    [InlineData("/tlog/tile/entries/003")]
    [InlineData("/tlog/tile/entries/002.p/92")]
    public async Task EntryBundle_BeyondTheTree_404(string path)
    {
        using HttpResponseMessage response = await GetAsync(path, ApiKeyRole.Auditor);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task EntryBundle_MalformedIndex_400NamingTheSegment()
    {
        using HttpResponseMessage response = await GetAsync("/tlog/tile/entries/abc", ApiKeyRole.Auditor);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'abc'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // RFC 6962: the Merkle Tree Hash of 256 leaf hashes, hashed pairwise up eight levels.
    private static byte[] SubtreeHash(byte[] tile)
    {
        List<byte[]> level = [.. tile.Chunk(32)];
        while (level.Count > 1)
        {
            level = [.. level.Chunk(2).Select(pair => SHA256.HashData([1, .. pair[0], .. pair[1]]))];
        }

        return level[0];
    }

    private static List<byte[]> Split(byte[] bundle)
    {
        var entries = new List<byte[]>();
        for (int at = 0; at < bundle.Length;)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(bundle.AsSpan(at));
            entries.Add(bundle[(at + 2)..(at + 2 + length)]);
            at += 2 + length;
        }

        return entries;
    }

    private Task<HttpResponseMessage> GetAsync(string path, ApiKeyRole role) => Collector.SendAsync(HttpMethod.Get, path, role);

    private async Task<byte[]> BytesAsync(string path)
    {
        using HttpResponseMessage response = await GetAsync(path, ApiKeyRole.Monitor);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<byte[]> LeafHashAsync(long seq)
    {
        using HttpResponseMessage response = await GetAsync($"/v1/proof/inclusion?seq={seq}", ApiKeyRole.Auditor);
        using JsonDocument proof = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return Convert.FromBase64String(proof.RootElement.GetProperty("leafHash").GetString()!);
    }
}
