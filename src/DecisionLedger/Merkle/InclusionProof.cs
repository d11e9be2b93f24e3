using DecisionLedger.Hashing;

namespace DecisionLedger.Merkle;

/// <summary>
/// An RFC 9162 §2.1.3 inclusion proof: the audit path that links one leaf to the root of a tree.
/// </summary>
/// <param name="LeafIndex">The 0-based index (the entry's <c>seq</c>) of the proven leaf.</param>
/// <param name="TreeSize">The size of the tree whose root the proof leads to.</param>
/// <param name="LeafHash">The leaf hash, <c>SHA-256(0x00 ‖ canonical bytes)</c>.</param>
/// <param name="Hashes">The sibling hashes, from the leaf upward.</param>
public sealed record InclusionProof(long LeafIndex, long TreeSize, Sha256Hash LeafHash, IReadOnlyList<Sha256Hash> Hashes)
{
    /// <summary>Checks the proof against <paramref name="root"/> with <see cref="MerkleProofVerifier.VerifyInclusion"/>.</summary>
    /// <param name="root">The root of the tree of size <see cref="TreeSize"/>, e.g. from a trusted checkpoint.</param>
    /// <returns><see langword="true"/> when the leaf is at <see cref="LeafIndex"/> in that tree.</returns>
    public bool Verify(Sha256Hash root) => MerkleProofVerifier.VerifyInclusion(LeafIndex, TreeSize, LeafHash, Hashes, root);
}
