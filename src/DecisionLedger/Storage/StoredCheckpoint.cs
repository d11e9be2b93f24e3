using DecisionLedger.Hashing;

namespace DecisionLedger.Storage;

/// <summary>A signed checkpoint as stored: the tree size and root it commits to, and the signed note.</summary>
/// <param name="TreeSize">The number of entries the checkpoint covers.</param>
/// <param name="RootHash">The Merkle root at that size.</param>
/// <param name="SignedNote">The C2SP signed note text, exactly as signed.</param>
/// <param name="CreatedAt">When the checkpoint was taken (informational; not signed).</param>
public sealed record StoredCheckpoint(long TreeSize, Sha256Hash RootHash, string SignedNote, DateTimeOffset CreatedAt);
