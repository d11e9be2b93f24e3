using DecisionLedger.Hashing;

namespace DecisionLedger.Merkle;

/// <summary>
/// An RFC 9162 §2.1.4 consistency proof: shows that the tree of size <paramref name="FromSize"/> is a
/// prefix of the tree of size <paramref name="ToSize"/>, i.e. nothing was changed, only appended.
/// </summary>
/// <param name="FromSize">The older tree size (at least 1).</param>
/// <param name="ToSize">The newer tree size (at least <paramref name="FromSize"/>).</param>
/// <param name="Hashes">The proof's node hashes; empty when the sizes are equal.</param>
public sealed record ConsistencyProof(long FromSize, long ToSize, IReadOnlyList<Sha256Hash> Hashes)
{
    /// <summary>Checks the proof with <see cref="MerkleProofVerifier.VerifyConsistency"/>.</summary>
    /// <param name="fromRoot">The root of the tree of size <see cref="FromSize"/>.</param>
    /// <param name="toRoot">The root of the tree of size <see cref="ToSize"/>.</param>
    /// <returns><see langword="true"/> when the older tree is a prefix of the newer one.</returns>
    public bool Verify(Sha256Hash fromRoot, Sha256Hash toRoot) =>
        MerkleProofVerifier.VerifyConsistency(FromSize, ToSize, fromRoot, toRoot, Hashes);
}
