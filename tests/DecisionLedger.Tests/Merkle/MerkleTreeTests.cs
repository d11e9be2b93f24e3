using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Tests.Merkle;

public sealed class MerkleTreeTests
{
    [Fact]
    public async Task Append_EverySizeUpTo600_RootMatchesRfc6962Oracle()
    {
        Sha256Hash[] leaves = MerkleTestData.Leaves(600);
        var store = new InMemoryTileStore();
        MerkleTree flushed = MerkleTree.CreateEmpty(store);
        MerkleTree pending = MerkleTree.CreateEmpty(new InMemoryTileStore());
        Assert.Equal(MerkleHasher.EmptyRoot, flushed.Root);

        for (int size = 1; size <= leaves.Length; size++)
        {
            flushed.Append(leaves[size - 1]);
            pending.Append(leaves[size - 1]);
            await flushed.FlushCompletedTilesAsync();
            Sha256Hash expected = MerkleTestData.OracleRoot(leaves, size);
            Assert.Equal(expected, flushed.Root);
            Assert.Equal(expected, pending.Root);
            Assert.Equal(size, flushed.Size);
        }

        for (int size = 0; size <= leaves.Length; size++)
        {
            Sha256Hash expected = MerkleTestData.OracleRoot(leaves, size);
            Assert.Equal(expected, await flushed.GetRootAsync(size));
            Assert.Equal(expected, await pending.GetRootAsync(size));
        }

        for (int index = 0; index < leaves.Length; index++)
        {
            Assert.Equal(leaves[index], await flushed.GetLeafHashAsync(index));
            Assert.Equal(leaves[index], await pending.GetLeafHashAsync(index));
        }

        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void TakeCompletedTiles_AfterFullTiles_ReturnsEachTileOnceWithCorrectContent()
    {
        Sha256Hash[] leaves = MerkleTestData.Leaves(700);
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        foreach (Sha256Hash leaf in leaves[..255])
        {
            tree.Append(leaf);
        }

        Assert.Empty(tree.TakeCompletedTiles());
        foreach (Sha256Hash leaf in leaves[255..])
        {
            tree.Append(leaf);
        }

        IReadOnlyList<(TileId Id, Tile Tile)> tiles = tree.TakeCompletedTiles();

        Assert.Equal([new TileId(0, 0), new TileId(0, 1)], tiles.Select(t => t.Id));
        Assert.True(tiles[1].Tile.BaseEquals(Tile.FromBaseHashes(leaves.AsSpan(256, 256))));
        Assert.Equal(MerkleProofVerifier.RootFromLeaves(leaves[256..512]), tiles[1].Tile.Top);
        Assert.Empty(tree.TakeCompletedTiles());
    }

    [Fact]
    public void Append_FullTilesAtTwoLevels_CompletesLevelOneTileAfter65536Leaves()
    {
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        Sha256Hash[] leaves = MerkleTestData.Leaves(65536);
        foreach (Sha256Hash leaf in leaves)
        {
            tree.Append(leaf);
        }

        IReadOnlyList<(TileId Id, Tile Tile)> tiles = tree.TakeCompletedTiles();

        Assert.Equal(257, tiles.Count);
        Assert.Equal(new TileId(1, 0), tiles[^1].Id);
        Assert.Equal(MerkleProofVerifier.RootFromLeaves(leaves), tiles[^1].Tile.Top);
        Assert.Equal(tiles[^1].Tile.Top, tree.Root);
    }

    [Fact]
    public void CreateEmpty_NullStore_Throws() =>
        Assert.Throws<ArgumentNullException>("store", () => MerkleTree.CreateEmpty(null!));

    [Fact]
    public void Proofs_ArgumentsOutOfRange_ThrowNamingTheParameter()
    {
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        Assert.Throws<ArgumentOutOfRangeException>("treeSize", () => tree.ProveInclusionAsync(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>("toSize", () => tree.ProveConsistencyAsync(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>("index", () => tree.GetLeafHashAsync(0));

        foreach (Sha256Hash leaf in MerkleTestData.Leaves(10))
        {
            tree.Append(leaf);
        }

        Assert.Throws<ArgumentOutOfRangeException>("treeSize", () => tree.ProveInclusionAsync(0, 11));
        Assert.Throws<ArgumentOutOfRangeException>("treeSize", () => tree.ProveInclusionAsync(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>("leafIndex", () => tree.ProveInclusionAsync(5, 5));
        Assert.Throws<ArgumentOutOfRangeException>("leafIndex", () => tree.ProveInclusionAsync(-1, 5));
        Assert.Throws<ArgumentOutOfRangeException>("toSize", () => tree.ProveConsistencyAsync(1, 11));
        Assert.Throws<ArgumentOutOfRangeException>("fromSize", () => tree.ProveConsistencyAsync(6, 5));
        Assert.Throws<ArgumentOutOfRangeException>("fromSize", () => tree.ProveConsistencyAsync(-1, 5));
        ArgumentOutOfRangeException fromEmpty = Assert.Throws<ArgumentOutOfRangeException>("fromSize", () => tree.ProveConsistencyAsync(0, 5));
        Assert.Contains("empty tree is not defined", fromEmpty.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>("treeSize", () => tree.GetRootAsync(11));
        Assert.Throws<ArgumentOutOfRangeException>("treeSize", () => tree.GetRootAsync(-1));
        Assert.Throws<ArgumentOutOfRangeException>("index", () => tree.GetLeafHashAsync(10));
        Assert.Throws<ArgumentOutOfRangeException>("index", () => tree.GetLeafHashAsync(-1));
    }

    [Fact]
    public async Task ProveConsistencyAsync_EqualSizes_ReturnsEmptyProof()
    {
        MerkleTree tree = MerkleTestData.BuildFlushed(MerkleTestData.Leaves(3), new InMemoryTileStore());

        ConsistencyProof proof = await tree.ProveConsistencyAsync(3, 3);

        Assert.Empty(proof.Hashes);
        Assert.True(proof.Verify(tree.Root, tree.Root));
    }
}
