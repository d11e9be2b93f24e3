using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Archiving;

/// <summary>Leaf hashes of archive rows and the <c>leavesRoot</c> a manifest binds them with.</summary>
public static class ArchiveLeaves
{
    /// <summary>The leaf hash of one row: SHA-256(0x00 ‖ entry), as the live tree holds it.</summary>
    /// <param name="row">The row.</param>
    /// <returns>The leaf hash.</returns>
    public static Sha256Hash Leaf(ArchiveRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return MerkleHasher.HashLeaf(row.Entry);
    }

    /// <summary>The RFC 6962 Merkle tree hash over the rows' leaf hashes, in the order given (seq order for a file).</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The root; the empty-tree hash for no rows.</returns>
    public static Sha256Hash Root(IEnumerable<ArchiveRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        foreach (ArchiveRow row in rows)
        {
            tree.Append(Leaf(row));
        }

        return tree.Root;
    }
}
