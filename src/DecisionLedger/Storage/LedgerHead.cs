namespace DecisionLedger.Storage;

/// <summary>The state a store reports when opened: how many entries it holds and its newest checkpoint.</summary>
/// <param name="Size">The number of entries (the next <c>seq</c>).</param>
/// <param name="LatestCheckpoint">The newest stored checkpoint, or null when none was taken.</param>
public sealed record LedgerHead(long Size, StoredCheckpoint? LatestCheckpoint);
