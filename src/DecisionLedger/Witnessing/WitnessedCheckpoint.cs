using DecisionLedger.Hashing;

namespace DecisionLedger.Witnessing;

/// <summary>The latest checkpoint a witness verified and cosigned for one log.</summary>
/// <param name="Origin">The log's origin.</param>
/// <param name="Size">The checkpoint's tree size.</param>
/// <param name="RootHash">The checkpoint's root hash.</param>
/// <param name="CosignedNote">The checkpoint note with the log's signature and the witness's cosignature, as served to monitors.</param>
public sealed record WitnessedCheckpoint(string Origin, long Size, Sha256Hash RootHash, string CosignedNote);
