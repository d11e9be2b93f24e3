using DecisionLedger.Heads;

namespace DecisionLedger.Completeness;

/// <summary>
/// One end of a completeness proof: a <c>heads</c> entry of the ledger and the map proof of the key's
/// chain head (or of its absence) against that entry's root.
/// </summary>
/// <param name="HeadsSeq">The seq of the <c>heads</c> entry.</param>
/// <param name="Head">The key's chain head in that entry's map (last seq and count), or null when the key was absent.</param>
/// <param name="Proof">The map proof of <paramref name="Head"/> against the heads entry's root.</param>
public sealed record HeadsBound(long HeadsSeq, ChainHead? Head, MapProof Proof)
{
    /// <summary>The chain's last seq at this bound, -1 when the key was absent.</summary>
    public long Last => Head?.Last ?? -1;

    /// <summary>The chain's length at this bound, 0 when the key was absent.</summary>
    public long Count => Head?.Count ?? 0;
}
