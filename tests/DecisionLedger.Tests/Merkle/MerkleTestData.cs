using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Tests.Merkle;

/// <summary>Deterministic leaves, trees and tampering helpers for the Merkle tests.</summary>
internal static class MerkleTestData
{
    /// <summary>Leaf hash i = SHA-256(0x00 ‖ i as 8 little-endian bytes): distinct and reproducible.</summary>
    public static Sha256Hash[] Leaves(int count)
    {
        var leaves = new Sha256Hash[count];
        for (int i = 0; i < count; i++)
        {
            leaves[i] = MerkleHasher.HashLeaf(BitConverter.GetBytes((long)i));
        }

        return leaves;
    }

    /// <summary>A tree of the given leaves whose completed tiles were flushed to <paramref name="store"/>.</summary>
    public static MerkleTree BuildFlushed(IReadOnlyList<Sha256Hash> leaves, InMemoryTileStore store)
    {
        MerkleTree tree = MerkleTree.CreateEmpty(store);
        foreach (Sha256Hash leaf in leaves)
        {
            tree.Append(leaf);
        }

        tree.FlushCompletedTilesAsync().AsTask().GetAwaiter().GetResult();
        return tree;
    }

    /// <summary>The reference root of the first <paramref name="size"/> leaves.</summary>
    public static Sha256Hash OracleRoot(Sha256Hash[] leaves, int size) =>
        MerkleProofVerifier.RootFromLeaves(new ArraySegment<Sha256Hash>(leaves, 0, size));

    /// <summary>The hash with one bit flipped.</summary>
    public static Sha256Hash FlipBit(Sha256Hash hash, int bit)
    {
        byte[] bytes = hash.ToArray();
        bytes[(bit / 8) % Sha256Hash.Size] ^= (byte)(1 << (bit % 8));
        return Sha256Hash.FromBytes(bytes);
    }

    /// <summary>A copy of <paramref name="hashes"/> with element <paramref name="index"/> replaced.</summary>
    public static Sha256Hash[] With(IReadOnlyList<Sha256Hash> hashes, int index, Sha256Hash value)
    {
        Sha256Hash[] copy = [.. hashes];
        copy[index] = value;
        return copy;
    }
}
