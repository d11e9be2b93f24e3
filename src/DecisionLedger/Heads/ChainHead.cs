namespace DecisionLedger.Heads;

/// <summary>
/// The head of one chain (all v2 decision entries of one subject or one model): the seq of its
/// last entry and how many entries it has. The value the heads map commits to per key.
/// </summary>
/// <param name="Last">The seq of the chain's last entry (≥ 0).</param>
/// <param name="Count">The number of entries in the chain (≥ 1).</param>
public readonly record struct ChainHead(long Last, long Count);
