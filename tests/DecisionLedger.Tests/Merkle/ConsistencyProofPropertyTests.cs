using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Tests.Merkle;

/// <summary>Exhaustive consistency proofs for every pair 1 ≤ m ≤ n ≤ 130.</summary>
public sealed class ConsistencyProofPropertyTests
{
    private const int MaxSize = 130;

    [Fact]
    public async Task ProveConsistencyAsync_EveryPair_VerifiesAndRejectsEveryTampering()
    {
        Sha256Hash[] leaves = MerkleTestData.Leaves(MaxSize + 1);
        MerkleTree tree = MerkleTestData.BuildFlushed(leaves, new InMemoryTileStore());
        var roots = new Sha256Hash[MaxSize + 2];
        for (int size = 0; size <= MaxSize + 1; size++)
        {
            roots[size] = MerkleTestData.OracleRoot(leaves, size);
        }

        for (int n = 1; n <= MaxSize; n++)
        {
            for (int m = 1; m <= n; m++)
            {
                ConsistencyProof proof = await tree.ProveConsistencyAsync(m, n);
                IReadOnlyList<Sha256Hash> hashes = proof.Hashes;
                string at = $"m {m}, n {n}";
                Assert.True(MerkleProofVerifier.VerifyConsistency(m, n, roots[m], roots[n], hashes), at);
                if (m == n)
                {
                    Assert.Empty(hashes);
                }

                for (int i = 0; i < hashes.Count; i++)
                {
                    Sha256Hash[] tampered = MerkleTestData.With(hashes, i, MerkleTestData.FlipBit(hashes[i], m + i));
                    Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, roots[m], roots[n], tampered), at);
                }

                Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, MerkleTestData.FlipBit(roots[m], n), roots[n], hashes), at);
                Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, roots[m], MerkleTestData.FlipBit(roots[n], m), hashes), at);
                if (m > 1)
                {
                    Assert.False(MerkleProofVerifier.VerifyConsistency(m - 1, n, roots[m - 1], roots[n], hashes), at);
                }

                if (m < n)
                {
                    Assert.False(MerkleProofVerifier.VerifyConsistency(m + 1, n, roots[m + 1], roots[n], hashes), at);
                    Assert.False(MerkleProofVerifier.VerifyConsistency(m, n - 1, roots[m], roots[n - 1], hashes), at);
                }

                // Wrong sizes are checked against those sizes' own roots (see the inclusion tests).
                Assert.False(MerkleProofVerifier.VerifyConsistency(m, n + 1, roots[m], roots[n + 1], hashes), at);
                if (hashes.Count > 0)
                {
                    Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, roots[m], roots[n], [.. hashes.Take(hashes.Count - 1)]), at);
                }

                Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, roots[m], roots[n], [.. hashes, leaves[0]]), at);
            }
        }
    }

    [Fact]
    public void VerifyConsistency_EqualSizesWithDifferentRoots_ReturnsFalse()
    {
        Sha256Hash[] leaves = MerkleTestData.Leaves(2);
        Assert.False(MerkleProofVerifier.VerifyConsistency(5, 5, leaves[0], leaves[1], []));
        Assert.True(MerkleProofVerifier.VerifyConsistency(5, 5, leaves[0], leaves[0], []));
    }
}
