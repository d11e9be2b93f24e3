using DecisionLedger.Hashing;

namespace DecisionLedger.Heads;

/// <summary>
/// A proof that a key of the heads map has a given chain head (membership) or none (absence),
/// checked by <see cref="MapProofVerifier.Verify"/> against a heads root.
/// </summary>
/// <param name="Siblings">
/// The sibling hashes from just below the root (index 0) down to the terminal; the count is the
/// terminal's depth.
/// </param>
/// <param name="Terminal">
/// The leaf where the key's path ends: the key's own leaf (membership), another key's leaf that
/// shares the path (absence), or null for an empty subtree (absence).
/// </param>
public sealed record MapProof(IReadOnlyList<Sha256Hash> Siblings, MapLeaf? Terminal);
