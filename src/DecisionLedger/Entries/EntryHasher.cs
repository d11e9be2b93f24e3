using DecisionLedger.Canonicalization;
using DecisionLedger.Hashing;

namespace DecisionLedger.Entries;

/// <summary>Computes the Merkle leaf hash of a ledger entry.</summary>
internal static class EntryHasher
{
    /// <summary>
    /// The leaf hash <c>SHA-256(0x00 ‖ canonical bytes)</c>, equal to
    /// <see cref="MerkleHasher.HashLeaf"/> of <see cref="EntryCanonicalizer.ToCanonicalBytes"/>,
    /// computed in a pooled buffer so nothing is allocated.
    /// </summary>
    /// <param name="entry">The entry to hash.</param>
    /// <returns>The leaf hash.</returns>
    /// <exception cref="ArgumentException">The entry cannot be canonicalized; see <see cref="EntryCanonicalizer.Write"/>.</exception>
    public static Sha256Hash LeafHash(LedgerEntry entry)
    {
        using PooledBufferWriter buffer = PooledBufferWriter.Rent();

        // The domain-separation prefix goes in the same buffer so the hash is one call.
        buffer.GetSpan(1)[0] = MerkleHasher.LeafPrefix;
        buffer.Advance(1);
        EntryCanonicalizer.Write(entry, buffer);
        return Sha256Hash.Compute(buffer.WrittenSpan);
    }
}
