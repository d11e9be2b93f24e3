using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Tests.Merkle;

/// <summary>
/// The RFC 6962 reference vectors used by Certificate Transparency and transparency-dev/merkle
/// (testonly/constants.go and proof tests; proof indexes there are 0-based).
/// </summary>
public sealed class ReferenceVectorTests
{
    private static readonly string[] s_leafInputs =
        ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static readonly string[] s_roots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    public static TheoryData<long, long, string[]> InclusionVectors => new()
    {
        { 0, 1, [] },
        {
            0, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        },
        {
            5, 8,
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        },
        { 2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
        {
            1, 5,
            [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        },
    };

    public static TheoryData<long, long, string[]> ConsistencyVectors => new()
    {
        { 1, 1, [] },
        {
            1, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        },
        {
            6, 8,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        },
        {
            2, 5,
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        },
    };

    private static Sha256Hash[] LeafHashes() =>
        [.. s_leafInputs.Select(hex => MerkleHasher.HashLeaf(Convert.FromHexString(hex)))];

    private static MerkleTree ReferenceTree(out Sha256Hash[] leaves)
    {
        leaves = LeafHashes();
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        foreach (Sha256Hash leaf in leaves)
        {
            tree.Append(leaf);
        }

        return tree;
    }

    [Fact]
    public void Append_ReferenceLeaves_RootMatchesKnownRootAtEverySize()
    {
        Sha256Hash[] leaves = LeafHashes();
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        Assert.Equal(s_roots[0], tree.Root.ToHex());
        for (int size = 1; size <= leaves.Length; size++)
        {
            tree.Append(leaves[size - 1]);
            Assert.Equal(s_roots[size], tree.Root.ToHex());
        }
    }

    [Fact]
    public async Task GetRootAsync_ReferenceLeaves_MatchesKnownRootForEveryPastSize()
    {
        MerkleTree tree = ReferenceTree(out _);
        for (int size = 0; size <= 8; size++)
        {
            Assert.Equal(s_roots[size], (await tree.GetRootAsync(size)).ToHex());
        }
    }

    [Fact]
    public void RootFromLeaves_ReferenceLeaves_MatchesKnownRoots()
    {
        Sha256Hash[] leaves = LeafHashes();
        for (int size = 0; size <= 8; size++)
        {
            Assert.Equal(s_roots[size], MerkleProofVerifier.RootFromLeaves(leaves[..size]).ToHex());
        }
    }

    [Fact]
    public void EmptyRoot_IsSha256OfNothing() =>
        Assert.Equal(s_roots[0], MerkleHasher.EmptyRoot.ToHex());

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public async Task ProveInclusionAsync_ReferenceVector_MatchesAndVerifies(long index, long size, string[] expected)
    {
        MerkleTree tree = ReferenceTree(out Sha256Hash[] leaves);

        InclusionProof proof = await tree.ProveInclusionAsync(index, size);

        Assert.Equal(expected, proof.Hashes.Select(h => h.ToHex()));
        Assert.Equal(leaves[index], proof.LeafHash);
        Sha256Hash root = Sha256Hash.FromHex(s_roots[size]);
        Assert.True(MerkleProofVerifier.VerifyInclusion(index, size, leaves[index], [.. expected.Select(Sha256Hash.FromHex)], root));
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public async Task ProveConsistencyAsync_ReferenceVector_MatchesAndVerifies(long from, long to, string[] expected)
    {
        MerkleTree tree = ReferenceTree(out _);

        ConsistencyProof proof = await tree.ProveConsistencyAsync(from, to);

        Assert.Equal(expected, proof.Hashes.Select(h => h.ToHex()));
        Assert.True(MerkleProofVerifier.VerifyConsistency(
            from, to, Sha256Hash.FromHex(s_roots[from]), Sha256Hash.FromHex(s_roots[to]), [.. expected.Select(Sha256Hash.FromHex)]));
    }
}
