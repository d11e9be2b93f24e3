using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Tests.Merkle;

/// <summary>Exhaustive inclusion proofs over every index of every tree size 1..300 (crosses a tile boundary).</summary>
public sealed class InclusionProofPropertyTests
{
    private const int MaxSize = 300;

    [Fact]
    public async Task ProveInclusionAsync_EveryIndexOfEverySize_VerifiesAndRejectsEveryTampering()
    {
        Sha256Hash[] leaves = MerkleTestData.Leaves(MaxSize + 1);
        MerkleTree tree = MerkleTestData.BuildFlushed(leaves, new InMemoryTileStore());
        var roots = new Sha256Hash[MaxSize + 2];
        for (int size = 0; size <= MaxSize + 1; size++)
        {
            roots[size] = await tree.GetRootAsync(size);
        }

        int checkedProofs = 0;

        for (int size = 1; size <= MaxSize; size++)
        {
            Sha256Hash root = roots[size];
            Assert.Equal(MerkleTestData.OracleRoot(leaves, size), root);

            for (int index = 0; index < size; index++)
            {
                InclusionProof proof = await tree.ProveInclusionAsync(index, size);
                string at = $"index {index}, size {size}";
                IReadOnlyList<Sha256Hash> hashes = proof.Hashes;
                Assert.Equal(leaves[index], proof.LeafHash);
                Assert.True(MerkleProofVerifier.VerifyInclusion(index, size, leaves[index], hashes, root), at);

                for (int i = 0; i < hashes.Count; i++)
                {
                    Sha256Hash[] tampered = MerkleTestData.With(hashes, i, MerkleTestData.FlipBit(hashes[i], index + i));
                    Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, leaves[index], tampered, root), at);
                }

                Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, MerkleTestData.FlipBit(leaves[index], size), hashes, root));
                Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, leaves[index], hashes, MerkleTestData.FlipBit(root, index)));
                if (index > 0)
                {
                    Assert.False(MerkleProofVerifier.VerifyInclusion(index - 1, size, leaves[index], hashes, root), at);
                }

                Assert.False(MerkleProofVerifier.VerifyInclusion(index + 1, size, leaves[index], hashes, root), at);
                // A wrong size is checked against that size's own root: the RFC 9162 verifier trusts
                // the (size, root) pair of a checkpoint, and e.g. the proof of leaf 0 in a tree of 3
                // also "verifies" as size 4 against the size-3 root.
                Assert.False(MerkleProofVerifier.VerifyInclusion(index, size + 1, leaves[index], hashes, roots[size + 1]), at);
                if (index < size - 1)
                {
                    Assert.False(MerkleProofVerifier.VerifyInclusion(index, size - 1, leaves[index], hashes, roots[size - 1]), at);
                }

                if (hashes.Count > 0)
                {
                    Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, leaves[index], [.. hashes.Take(hashes.Count - 1)], root));
                }

                Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, leaves[index], [.. hashes, leaves[0]], root));
                checkedProofs++;
            }
        }

        Assert.Equal(MaxSize * (MaxSize + 1) / 2, checkedProofs);
    }

    [Fact]
    public async Task ProveInclusionAsync_TilesStillPending_ReadsThemFromPendingList()
    {
        Sha256Hash[] leaves = MerkleTestData.Leaves(600);
        var store = new InMemoryTileStore();
        MerkleTree tree = MerkleTree.CreateEmpty(store);
        foreach (Sha256Hash leaf in leaves)
        {
            tree.Append(leaf);
        }

        for (int index = 0; index < 600; index += 37)
        {
            InclusionProof proof = await tree.ProveInclusionAsync(index, 600);
            Assert.True(proof.Verify(MerkleTestData.OracleRoot(leaves, 600)));
        }

        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task ProveInclusionAsync_TilesTakenButNotPersisted_ThrowsMissingTile()
    {
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        foreach (Sha256Hash leaf in MerkleTestData.Leaves(512))
        {
            tree.Append(leaf);
        }

        IReadOnlyList<(TileId Id, Tile Tile)> taken = tree.TakeCompletedTiles();

        Assert.Equal([new TileId(0, 0), new TileId(0, 1)], taken.Select(t => t.Id));
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => tree.ProveInclusionAsync(0, 512).AsTask());
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        Assert.Empty(tree.TakeCompletedTiles());
    }
}
