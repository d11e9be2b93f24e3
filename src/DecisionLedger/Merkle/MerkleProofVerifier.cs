using System.Numerics;
using DecisionLedger.Hashing;

namespace DecisionLedger.Merkle;

/// <summary>
/// Verifies RFC 9162 inclusion and consistency proofs, and computes a reference Merkle Tree Hash.
/// </summary>
/// <remarks>
/// Needs nothing but hashes, so offline bundle verifiers use it with only an exported bundle.
/// A malformed proof is a failed verification: the methods return <see langword="false"/> and
/// throw only for null arguments.
/// </remarks>
public static class MerkleProofVerifier
{
    /// <summary>Verifies an inclusion proof exactly as RFC 9162 §2.1.3.2 specifies.</summary>
    /// <param name="leafIndex">The index of the leaf, 0 to <paramref name="treeSize"/> − 1.</param>
    /// <param name="treeSize">The size of the tree the proof leads to.</param>
    /// <param name="leafHash">The hash of the leaf.</param>
    /// <param name="proof">The audit path, from the leaf upward.</param>
    /// <param name="root">The expected root of the tree of size <paramref name="treeSize"/>.</param>
    /// <returns><see langword="true"/> when the proof leads from the leaf to <paramref name="root"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="proof"/> is null.</exception>
    public static bool VerifyInclusion(long leafIndex, long treeSize, Sha256Hash leafHash, IReadOnlyList<Sha256Hash> proof, Sha256Hash root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            return false;
        }

        long fn = leafIndex;
        long sn = treeSize - 1;
        Sha256Hash r = leafHash;
        for (int i = 0; i < proof.Count; i++)
        {
            if (sn == 0)
            {
                return false;
            }

            Sha256Hash p = proof[i];
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHasher.HashChildren(p, r);

                // A left child with no right sibling at this level: skip the levels where the
                // node is carried up unchanged.
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleHasher.HashChildren(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r == root;
    }

    /// <summary>Verifies a consistency proof exactly as RFC 9162 §2.1.4.2 specifies.</summary>
    /// <param name="fromSize">The older tree size, at least 1.</param>
    /// <param name="toSize">The newer tree size, at least <paramref name="fromSize"/>.</param>
    /// <param name="fromRoot">The root of the older tree.</param>
    /// <param name="toRoot">The root of the newer tree.</param>
    /// <param name="proof">The consistency proof; must be empty when the sizes are equal.</param>
    /// <returns><see langword="true"/> when the older tree is a prefix of the newer one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="proof"/> is null.</exception>
    public static bool VerifyConsistency(long fromSize, long toSize, Sha256Hash fromRoot, Sha256Hash toRoot, IReadOnlyList<Sha256Hash> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);

        // Consistency from the empty tree is not defined by RFC 9162; it proves nothing.
        if (fromSize < 1 || fromSize > toSize)
        {
            return false;
        }

        if (fromSize == toSize)
        {
            return proof.Count == 0 && fromRoot == toRoot;
        }

        if (proof.Count == 0)
        {
            return false;
        }

        // Step 2: when the old tree is a complete subtree its root is the first path node, so the
        // prover omits it and the verifier prepends fromRoot.
        bool prepend = BitOperations.IsPow2(fromSize);
        int count = proof.Count + (prepend ? 1 : 0);

        long fn = fromSize - 1;
        long sn = toSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Sha256Hash fr = prepend ? fromRoot : proof[0];
        Sha256Hash sr = fr;
        for (int i = 1; i < count; i++)
        {
            if (sn == 0)
            {
                return false;
            }

            Sha256Hash c = prepend ? proof[i - 1] : proof[i];
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHasher.HashChildren(c, fr);
                sr = MerkleHasher.HashChildren(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleHasher.HashChildren(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return fr == fromRoot && sr == toRoot && sn == 0;
    }

    /// <summary>
    /// Computes the Merkle Tree Hash of a list of leaf hashes straight from the recursive
    /// definition in RFC 6962 §2.1; the reference the incremental tree is tested against.
    /// </summary>
    /// <param name="leaves">The leaf hashes (<c>SHA-256(0x00 ‖ data)</c>) in order.</param>
    /// <returns>The root; <see cref="MerkleHasher.EmptyRoot"/> for no leaves.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leaves"/> is null.</exception>
    public static Sha256Hash RootFromLeaves(IReadOnlyList<Sha256Hash> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        return leaves.Count == 0 ? MerkleHasher.EmptyRoot : Mth(leaves, 0, leaves.Count);
    }

    // Deliberately the reference MerkleHasher, not NodeHasher: the oracle shares no code with the tree.
    // MTH(D[n]) = HASH(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])), k the largest power of two smaller than n.
    private static Sha256Hash Mth(IReadOnlyList<Sha256Hash> leaves, int start, int count)
    {
        if (count == 1)
        {
            return leaves[start];
        }

        int k = (int)BitOperations.RoundUpToPowerOf2((uint)count) >> 1;
        return MerkleHasher.HashChildren(Mth(leaves, start, k), Mth(leaves, start + k, count - k));
    }
}
