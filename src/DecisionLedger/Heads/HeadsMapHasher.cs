using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using DecisionLedger.Hashing;

namespace DecisionLedger.Heads;

/// <summary>
/// The hash functions of the heads map (docs/format.md, section 10): the key hash, the leaf hash,
/// the interior node hash and the empty subtree.
/// </summary>
public static class HeadsMapHasher
{
    /// <summary>Prefix byte of a leaf hash input.</summary>
    public const byte LeafPrefix = 0x00;

    /// <summary>Prefix byte of an interior node hash input.</summary>
    public const byte NodePrefix = 0x01;

    // Keys are short ("s:" + 22 chars, or a model name); longer ones are rare and take the pool.
    private const int StackKeyBytes = 256;

    /// <summary>The hash of an empty subtree and of the empty map: 32 zero bytes.</summary>
    public static Sha256Hash Empty => default;

    /// <summary>SHA-256 of the UTF-8 bytes of <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public static Sha256Hash KeyHash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int length = Encoding.UTF8.GetBytes(key, buffer);
            return ShortSha256.Hash(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The key hash of <c>prefix + name</c> (e.g. <c>s:</c> and a subject ref) as <see cref="KeyBits"/>, without
    /// building the key string: the sequencer does this once per decision.
    /// </summary>
    internal static KeyBits KeyBitsOf(string prefix, string name)
    {
        int max = Encoding.UTF8.GetMaxByteCount(prefix.Length + name.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int length = Encoding.UTF8.GetBytes(prefix, buffer);
            length += Encoding.UTF8.GetBytes(name, buffer[length..]);
            return KeyBits.From(ShortSha256.Hash(buffer[..length]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Leaf hash: <c>SHA-256(0x00 ‖ keyHash ‖ uint64be(last) ‖ uint64be(count))</c>.</summary>
    public static Sha256Hash LeafHash(in Sha256Hash keyHash, long last, long count)
    {
        Span<byte> buffer = stackalloc byte[1 + Sha256Hash.Size + 16];
        buffer[0] = LeafPrefix;
        keyHash.CopyTo(buffer[1..]);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[(1 + Sha256Hash.Size)..], (ulong)last);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[(9 + Sha256Hash.Size)..], (ulong)count);
        return ShortSha256.Hash(buffer);
    }

    /// <summary>Leaf hash of a proof's terminal leaf.</summary>
    public static Sha256Hash LeafHash(in MapLeaf leaf) => LeafHash(leaf.KeyHash, leaf.Last, leaf.Count);

    /// <summary>Interior node hash: <c>SHA-256(0x01 ‖ left ‖ right)</c>, as RFC 6962 nodes.</summary>
    public static Sha256Hash NodeHash(in Sha256Hash left, in Sha256Hash right)
    {
        // The bytes of MerkleHasher.HashChildren, through the map's low-overhead SHA-256: a root costs several per key.
        Span<byte> buffer = stackalloc byte[1 + (2 * Sha256Hash.Size)];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Sha256Hash.Size)..]);
        return ShortSha256.Hash(buffer);
    }

    // One-sided levels: the hash h of a subtree at depth `from`, seen from `to` (≤ from), where every key below
    // shares the bits of `inside` in between.
    internal static Sha256Hash Lift(Sha256Hash hash, in KeyBits inside, int from, int to)
    {
        Sha256Hash empty = Empty;
        for (int d = from - 1; d >= to; d--)
        {
            hash = inside.Bit(d) == 0 ? NodeHash(hash, empty) : NodeHash(empty, hash);
        }

        return hash;
    }

    /// <summary>Bit <paramref name="index"/> of a key hash: <c>(keyHash[i / 8] &gt;&gt; (7 − i % 8)) &amp; 1</c>; 0 is left.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in 0…255.</exception>
    public static int Bit(in Sha256Hash keyHash, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Sha256Hash.Size * 8);
        return KeyBits.From(keyHash).Bit(index);
    }
}
