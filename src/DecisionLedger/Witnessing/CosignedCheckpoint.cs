using DecisionLedger.Checkpoints;

namespace DecisionLedger.Witnessing;

/// <summary>A checkpoint signed by its log and cosigned by a quorum of witnesses.</summary>
/// <param name="Checkpoint">The verified checkpoint.</param>
/// <param name="Cosignatures">The valid cosignatures by witnesses the policy lists, in line order, one per witness.</param>
public sealed record CosignedCheckpoint(Checkpoint Checkpoint, IReadOnlyList<Cosignature> Cosignatures);
