using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Heads;

namespace DecisionLedger.Tests.Heads;

/// <summary>
/// The heads-map rules of docs/format.md section 10 written as literally as possible, on byte
/// arrays and the framework's SHA-256, with none of the production code's tricks: the oracle the
/// real <see cref="HeadsMap"/> is compared with.
/// </summary>
internal static class NaiveHeadsMap
{
    public static byte[] KeyHash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static int Bit(byte[] keyHash, int i) => (keyHash[i / 8] >> (7 - (i % 8))) & 1;

    public static byte[] LeafHash(byte[] keyHash, long last, long count)
    {
        byte[] input = new byte[1 + 32 + 8 + 8];
        input[0] = 0x00;
        keyHash.CopyTo(input, 1);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(33), (ulong)last);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(41), (ulong)count);
        return SHA256.HashData(input);
    }

    public static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    public static Sha256Hash Root(IEnumerable<KeyValuePair<string, ChainHead>> map)
    {
        var leaves = map.Select(pair => (Key: KeyHash(pair.Key), pair.Value.Last, pair.Value.Count)).ToList();
        return Sha256Hash.FromBytes(Hash(leaves, 0));
    }

    /// <summary>The root of leaves given by their key hashes (no key strings).</summary>
    public static Sha256Hash Root(IEnumerable<(byte[] KeyHash, long Last, long Count)> leaves) => Sha256Hash.FromBytes(Hash([.. leaves], 0));

    /// <summary>The rules' verification loop for a key given by its hash.</summary>
    public static Sha256Hash RootFromProof(byte[] keyHash, MapProof proof)
    {
        byte[] h = proof.Terminal is MapLeaf t ? LeafHash(t.KeyHash.ToArray(), t.Last, t.Count) : new byte[32];
        for (int i = proof.Siblings.Count - 1; i >= 0; i--)
        {
            byte[] sibling = proof.Siblings[i].ToArray();
            h = Bit(keyHash, i) == 0 ? Node(h, sibling) : Node(sibling, h);
        }

        return Sha256Hash.FromBytes(h);
    }

    // hash(S, d): empty for no leaf, the leaf hash for one, else the node of the two halves.
    private static byte[] Hash(List<(byte[] Key, long Last, long Count)> leaves, int depth)
    {
        if (leaves.Count == 0)
        {
            return new byte[32];
        }

        if (leaves.Count == 1)
        {
            return LeafHash(leaves[0].Key, leaves[0].Last, leaves[0].Count);
        }

        var left = leaves.Where(l => Bit(l.Key, depth) == 0).ToList();
        var right = leaves.Where(l => Bit(l.Key, depth) == 1).ToList();
        return Node(Hash(left, depth + 1), Hash(right, depth + 1));
    }

    /// <summary>The rules' verification loop: the root a proof leads to for a key.</summary>
    public static Sha256Hash RootFromProof(string key, MapProof proof)
    {
        byte[] keyHash = KeyHash(key);
        byte[] h = proof.Terminal is MapLeaf t ? LeafHash(t.KeyHash.ToArray(), t.Last, t.Count) : new byte[32];
        for (int i = proof.Siblings.Count - 1; i >= 0; i--)
        {
            byte[] sibling = proof.Siblings[i].ToArray();
            h = Bit(keyHash, i) == 0 ? Node(h, sibling) : Node(sibling, h);
        }

        return Sha256Hash.FromBytes(h);
    }
}
