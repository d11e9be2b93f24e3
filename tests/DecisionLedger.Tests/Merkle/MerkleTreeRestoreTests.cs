using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Tests.Merkle;

/// <summary>A 70 000-leaf tree (two tile-levels) restored at boundary and random sizes.</summary>
public sealed class MerkleTreeRestoreTests : IClassFixture<MerkleTreeRestoreTests.LargeTree>
{
    private readonly LargeTree _large;

    public MerkleTreeRestoreTests(LargeTree large)
    {
        _large = large;
    }

    public static TheoryData<long> Sizes()
    {
        var sizes = new TheoryData<long> { 0, 1, 2, 255, 256, 257, 511, 512, 513, 65279, 65535, 65536, 65537, 65792, 65793 };
        var random = new Random(20261123);
        for (int i = 0; i < 8; i++)
        {
            sizes.Add(random.Next(1, LargeTree.Size - 300));
        }

        return sizes;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task RestoreAsync_AtSize_SameRootProofsAndContinuation(long size)
    {
        MerkleTree original = _large.Tree;
        Sha256Hash[] leaves = _large.Leaves;
        int tailStart = (int)(size - (size % Tile.Width));

        MerkleTree restored = await MerkleTree.RestoreAsync(_large.Store, size, leaves[tailStart..(int)size]);

        Assert.Equal(size, restored.Size);
        Sha256Hash root = await original.GetRootAsync(size);
        Assert.Equal(root, restored.Root);
        Assert.Equal(MerkleTestData.OracleRoot(leaves, (int)size), root);
        if (size > 0)
        {
            var random = new Random((int)size);
            long[] indexes = [0, size - 1, size / 2, tailStart == size ? size - 1 : tailStart, random.NextInt64(size)];
            foreach (long index in indexes)
            {
                InclusionProof expected = await original.ProveInclusionAsync(index, size);
                InclusionProof actual = await restored.ProveInclusionAsync(index, size);
                Assert.Equal(expected.Hashes, actual.Hashes);
                Assert.Equal(leaves[index], actual.LeafHash);
                Assert.True(actual.Verify(root));
            }

            long[] fromSizes = [1, size, (size / 2) + 1, random.NextInt64(1, size + 1)];
            foreach (long from in fromSizes)
            {
                ConsistencyProof expected = await original.ProveConsistencyAsync(from, size);
                ConsistencyProof actual = await restored.ProveConsistencyAsync(from, size);
                Assert.Equal(expected.Hashes, actual.Hashes);
                Assert.True(actual.Verify(await original.GetRootAsync(from), root));
            }
        }

        // Appending after a restore continues the same tree; re-flushed tiles are identical, so the
        // shared store accepts them.
        for (int i = 0; i < 300; i++)
        {
            restored.Append(leaves[size + i]);
        }

        await restored.FlushCompletedTilesAsync();
        Assert.Equal(await original.GetRootAsync(size + 300), restored.Root);
        InclusionProof afterAppend = await restored.ProveInclusionAsync(size, size + 300);
        Assert.True(afterAppend.Verify(restored.Root));
    }

    [Fact]
    public async Task RestoreAsync_StoreMissingTile_ThrowsNamingTheTile()
    {
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => MerkleTree.RestoreAsync(new InMemoryTileStore(), 256, []).AsTask());

        Assert.Contains("TileId { Level = 0, Index = 0 }", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProveInclusionAsync_RestoredOverIncompleteStore_ThrowsMissingTile()
    {
        // Restoring 65 536 + 257 leaves reads only tiles (0, 256) and (1, 0); the proof for leaf 0
        // also needs tile (0, 0), which this store lacks.
        const long size = 65536 + 257;
        var partialStore = new InMemoryTileStore();
        foreach (TileId id in new[] { new TileId(0, 256), new TileId(1, 0) })
        {
            await partialStore.WriteTilesAsync([(id, (await _large.Store.ReadTileAsync(id))!)]);
        }

        MerkleTree restored = await MerkleTree.RestoreAsync(partialStore, size, _large.Leaves[(int)(size - 1)..(int)size]);

        Assert.Equal(await _large.Tree.GetRootAsync(size), restored.Root);
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => restored.ProveInclusionAsync(0, size).AsTask());
        Assert.Contains("TileId { Level = 0, Index = 0 }", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RestoreAsync_WrongTailCount_ThrowsArgumentException()
    {
        ArgumentException error = Assert.Throws<ArgumentException>("tailLeafHashes",
            () => MerkleTree.RestoreAsync(_large.Store, 300, _large.Leaves[256..299]));
        Assert.Contains("needs the 44 leaf hashes", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("tailLeafHashes", () => MerkleTree.RestoreAsync(_large.Store, 256, _large.Leaves[..1]));
    }

    [Fact]
    public void RestoreAsync_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>("size", () => MerkleTree.RestoreAsync(_large.Store, -1, []));
        Assert.Throws<ArgumentNullException>("store", () => MerkleTree.RestoreAsync(null!, 0, []));
        Assert.Throws<ArgumentNullException>("tailLeafHashes", () => MerkleTree.RestoreAsync(_large.Store, 0, null!));
    }

    /// <summary>Built once for the class: 70 000 leaves, every full tile flushed.</summary>
    public sealed class LargeTree
    {
        public const int Size = 70_000;

        public LargeTree()
        {
            Leaves = MerkleTestData.Leaves(Size);
            Store = new InMemoryTileStore();
            Tree = MerkleTestData.BuildFlushed(Leaves, Store);
        }

        public Sha256Hash[] Leaves { get; }

        internal InMemoryTileStore Store { get; }

        internal MerkleTree Tree { get; }
    }
}
