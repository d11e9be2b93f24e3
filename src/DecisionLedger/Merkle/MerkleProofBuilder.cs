using System.Numerics;
using DecisionLedger.Hashing;

namespace DecisionLedger.Merkle;

/// <summary>
/// Builds the RFC 9162 proofs and subtree roots of a <see cref="MerkleTree"/> from its complete nodes: the audit
/// path (PATH), the consistency proof (SUBPROOF) and the hash of a leaf range, in O(log n) node reads.
/// </summary>
internal sealed class MerkleProofBuilder(MerkleNodeReader nodes)
{
    private readonly MerkleNodeReader _nodes = nodes;

    /// <summary>The inclusion proof of leaf <paramref name="leafIndex"/> in the tree of <paramref name="treeSize"/> leaves (arguments already checked).</summary>
    public async ValueTask<InclusionProof> ProveInclusionAsync(long leafIndex, long treeSize, CancellationToken cancellationToken)
    {
        Sha256Hash leafHash = await _nodes.GetNodeAsync(0, leafIndex, cancellationToken).ConfigureAwait(false);
        var hashes = new List<Sha256Hash>(64 - BitOperations.LeadingZeroCount((ulong)(treeSize - 1)));
        await AddPathAsync(hashes, 0, leafIndex, treeSize, cancellationToken).ConfigureAwait(false);
        return new InclusionProof(leafIndex, treeSize, leafHash, hashes);
    }

    /// <summary>The consistency proof from <paramref name="fromSize"/> to <paramref name="toSize"/> leaves (arguments already checked, sizes differ).</summary>
    public async ValueTask<ConsistencyProof> ProveConsistencyAsync(long fromSize, long toSize, CancellationToken cancellationToken)
    {
        // The old tree's last complete subtree: the node at level k = trailing zeros of fromSize
        // that ends at leaf fromSize − 1. When fromSize is a power of two that node is the old
        // root itself, which the verifier already holds, so it is omitted.
        int level = BitOperations.TrailingZeroCount(fromSize);
        long node = (fromSize >> level) - 1;
        var hashes = new List<Sha256Hash>(65 - BitOperations.LeadingZeroCount((ulong)(toSize - 1)));
        if (node != 0)
        {
            hashes.Add(await _nodes.GetNodeAsync(level, node, cancellationToken).ConfigureAwait(false));
        }

        await AddPathAsync(hashes, level, node, toSize, cancellationToken).ConfigureAwait(false);
        return new ConsistencyProof(fromSize, toSize, hashes);
    }

    // Appends the siblings of the path from node (level, index) to the root of the tree of
    // treeSize leaves, bottom-up, skipping levels where the node has no sibling (RFC 9162 PATH).
    private async ValueTask AddPathAsync(List<Sha256Hash> hashes, int level, long node, long treeSize, CancellationToken cancellationToken)
    {
        long last = (treeSize - 1) >> level;
        while (last > 0)
        {
            if ((node & 1) == 1)
            {
                hashes.Add(await _nodes.GetNodeAsync(level, node - 1, cancellationToken).ConfigureAwait(false));
            }
            else if (node < last)
            {
                // The right sibling may be the incomplete right border of the tree at treeSize.
                long start = (node + 1) << level;
                long end = Math.Min(treeSize, start + (1L << level));
                hashes.Add(await FoldRangeAsync(start, end, cancellationToken).ConfigureAwait(false));
            }

            node >>= 1;
            last >>= 1;
            level++;
        }
    }

    /// <summary>
    /// The Merkle Tree Hash of leaves [start, end), where start is aligned to the largest complete
    /// subtree in the range: fold its complete subtrees right to left (the smallest is rightmost).
    /// </summary>
    public async ValueTask<Sha256Hash> FoldRangeAsync(long start, long end, CancellationToken cancellationToken)
    {
        long remaining = end - start;
        long position = end;
        int level = BitOperations.TrailingZeroCount(remaining);
        position -= 1L << level;
        Sha256Hash hash = await _nodes.GetNodeAsync(level, position >> level, cancellationToken).ConfigureAwait(false);
        remaining &= remaining - 1;
        while (remaining != 0)
        {
            level = BitOperations.TrailingZeroCount(remaining);
            position -= 1L << level;
            Sha256Hash left = await _nodes.GetNodeAsync(level, position >> level, cancellationToken).ConfigureAwait(false);
            hash = MerkleHasher.HashChildren(left, hash);
            remaining &= remaining - 1;
        }

        return hash;
    }
}
