using DecisionLedger.Merkle;

namespace DecisionLedger.Witnessing.Receipts;

/// <summary>
/// What a proof receipt gains once the ledger's checkpoint is published (its cosignatures meet the
/// witness policy's quorum): the cosigned checkpoint, the entry's inclusion proof against it, the
/// consistency proof from the receipt's own checkpoint when that one is older, and the RFC 3161
/// tokens the checkpoint holds. Written into a receipt as its <c>"witnessed"</c> member.
/// </summary>
/// <param name="CosignedCheckpoint">The checkpoint note as the ledger signed it, followed by each witness's <c>cosignature/v1</c> line.</param>
/// <param name="Inclusion">The entry's inclusion proof against that checkpoint.</param>
/// <param name="Consistency">The proof that the receipt's own (older) checkpoint is a prefix of this one, or null when the receipt names no checkpoint or the same one.</param>
/// <param name="Timestamps">The DER-encoded RFC 3161 tokens over the checkpoint's signed note, by time-stamp authority name, in name order; empty when none is held.</param>
public sealed record WitnessedProof(
    string CosignedCheckpoint,
    InclusionProof Inclusion,
    ConsistencyProof? Consistency,
    IReadOnlyList<KeyValuePair<string, byte[]>> Timestamps);
