namespace DecisionLedger.Hashing;

/// <summary>
/// The RFC 6962 / RFC 9162 hash functions: domain-separated leaf and interior node hashes.
/// </summary>
public static class MerkleHasher
{
    /// <summary>Prefix byte of a leaf hash input (RFC 6962 §2.1).</summary>
    public const byte LeafPrefix = 0x00;

    /// <summary>Prefix byte of an interior node hash input (RFC 6962 §2.1).</summary>
    public const byte NodePrefix = 0x01;

    // SHA-256 of the empty string: the Merkle Tree Hash of an empty list (RFC 6962 §2.1).
    private static readonly Sha256Hash s_emptyRoot = Sha256Hash.Compute([]);

    /// <summary>The root of the empty tree: SHA-256 of zero bytes.</summary>
    public static Sha256Hash EmptyRoot => s_emptyRoot;

    /// <summary>Leaf hash: <c>SHA-256(0x00 ‖ data)</c>.</summary>
    /// <param name="data">The canonical bytes of the entry.</param>
    public static Sha256Hash HashLeaf(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> prefix = [LeafPrefix];
        return ThreadSha256.Hash(prefix, data);
    }

    /// <summary>Interior node hash: <c>SHA-256(0x01 ‖ left ‖ right)</c>.</summary>
    public static Sha256Hash HashChildren(in Sha256Hash left, in Sha256Hash right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * Sha256Hash.Size)];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Sha256Hash.Size)..]);
        return ThreadSha256.Hash(buffer);
    }
}
