using DecisionLedger.Hashing;

namespace DecisionLedger.Heads;

/// <summary>
/// A leaf of the heads map as a proof carries it: the key's hash and its chain head.
/// </summary>
/// <param name="KeyHash">SHA-256 of the UTF-8 key.</param>
/// <param name="Last">The seq of the chain's last entry.</param>
/// <param name="Count">The number of entries in the chain.</param>
public readonly record struct MapLeaf(Sha256Hash KeyHash, long Last, long Count)
{
    /// <summary>The chain head this leaf holds.</summary>
    public ChainHead Head => new(Last, Count);
}
