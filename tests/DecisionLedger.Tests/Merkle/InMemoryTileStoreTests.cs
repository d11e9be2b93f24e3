using DecisionLedger.Merkle;

namespace DecisionLedger.Tests.Merkle;

public sealed class InMemoryTileStoreTests
{
    private static readonly Tile s_tile = Tile.FromBaseHashes(MerkleTestData.Leaves(256));

    [Fact]
    public async Task ReadTileAsync_Absent_ReturnsNull() =>
        Assert.Null(await new InMemoryTileStore().ReadTileAsync(new TileId(0, 0)));

    [Fact]
    public async Task WriteTilesAsync_ThenRead_ReturnsSameTile()
    {
        var store = new InMemoryTileStore();

        await store.WriteTilesAsync([(new TileId(1, 2), s_tile)]);

        Assert.Same(s_tile, await store.ReadTileAsync(new TileId(1, 2)));
        Assert.Null(await store.ReadTileAsync(new TileId(0, 2)));
    }

    [Fact]
    public async Task WriteTilesAsync_SameContentAgain_IsAccepted()
    {
        var store = new InMemoryTileStore();
        await store.WriteTilesAsync([(new TileId(0, 0), s_tile)]);

        await store.WriteTilesAsync([(new TileId(0, 0), Tile.FromBaseBytes(s_tile.GetBaseBytes().Span))]);

        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task WriteTilesAsync_DifferentContentForStoredId_ThrowsAndKeepsOriginal()
    {
        var store = new InMemoryTileStore();
        await store.WriteTilesAsync([(new TileId(0, 0), s_tile)]);
        Tile other = Tile.FromBaseHashes(MerkleTestData.Leaves(257).AsSpan(1));

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.WriteTilesAsync([(new TileId(0, 0), other)]).AsTask());

        Assert.Contains("immutable", error.Message, StringComparison.Ordinal);
        Assert.Same(s_tile, await store.ReadTileAsync(new TileId(0, 0)));
    }

    [Fact]
    public void WriteTilesAsync_BadArguments_Throw()
    {
        var store = new InMemoryTileStore();
        Assert.Throws<ArgumentNullException>("tiles", () => store.WriteTilesAsync(null!));
        Assert.Throws<ArgumentNullException>("tiles", () => store.WriteTilesAsync([(new TileId(0, 0), null!)]));
        Assert.Throws<ArgumentOutOfRangeException>("tiles", () => store.WriteTilesAsync([(new TileId(0, -1), s_tile)]));
        Assert.Equal(0, store.Count);
    }
}
