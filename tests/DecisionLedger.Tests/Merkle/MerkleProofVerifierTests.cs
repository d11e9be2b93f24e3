using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Tests.Merkle;

public sealed class MerkleProofVerifierTests
{
    private static readonly Sha256Hash s_leaf = MerkleTestData.Leaves(1)[0];

    [Fact]
    public void VerifyInclusion_SingleLeafTree_RootIsLeafHash()
    {
        Assert.True(MerkleProofVerifier.VerifyInclusion(0, 1, s_leaf, [], s_leaf));
        Assert.False(MerkleProofVerifier.VerifyInclusion(0, 1, s_leaf, [s_leaf], s_leaf));
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(1, 1)]
    [InlineData(0, 0)]
    [InlineData(0, -5)]
    [InlineData(long.MaxValue, 3)]
    public void VerifyInclusion_IndexOutsideTree_ReturnsFalse(long index, long size) =>
        Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, s_leaf, [], s_leaf));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 5)]
    [InlineData(-1, 5)]
    [InlineData(6, 5)]
    public void VerifyConsistency_InvalidSizes_ReturnsFalse(long from, long to) =>
        Assert.False(MerkleProofVerifier.VerifyConsistency(from, to, s_leaf, s_leaf, [s_leaf]));

    [Fact]
    public void VerifyConsistency_DifferentSizesEmptyProof_ReturnsFalse() =>
        Assert.False(MerkleProofVerifier.VerifyConsistency(1, 2, s_leaf, s_leaf, []));

    [Fact]
    public void Verifiers_NullArguments_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>("proof", () => MerkleProofVerifier.VerifyInclusion(0, 1, s_leaf, null!, s_leaf));
        Assert.Throws<ArgumentNullException>("proof", () => MerkleProofVerifier.VerifyConsistency(1, 2, s_leaf, s_leaf, null!));
        Assert.Throws<ArgumentNullException>("leaves", () => MerkleProofVerifier.RootFromLeaves(null!));
    }
}
