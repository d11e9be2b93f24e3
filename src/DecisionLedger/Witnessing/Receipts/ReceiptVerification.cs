using DecisionLedger.Timestamping;

namespace DecisionLedger.Witnessing.Receipts;

/// <summary>What <see cref="ReceiptVerifier"/> found about one receipt.</summary>
/// <param name="ProvenSize">The size of the signed checkpoint the entry is proven in (the witnessed one when present), or null when nothing proved it.</param>
/// <param name="Cosigned">The witnessed checkpoint with the valid cosignatures of policy witnesses, or null when no policy was given or it was not met.</param>
/// <param name="QuorumDescription">The policy's quorum in words, or null when no policy was given.</param>
/// <param name="Timestamps">The verified tokens, by authority name.</param>
/// <param name="Problems">Each problem as a sentence naming the receipt member; empty when everything asked for verified.</param>
public sealed record ReceiptVerification(
    long? ProvenSize,
    CosignedCheckpoint? Cosigned,
    string? QuorumDescription,
    IReadOnlyList<KeyValuePair<string, TimestampVerification>> Timestamps,
    IReadOnlyList<string> Problems)
{
    /// <summary>True when every check asked for passed.</summary>
    public bool Passed => Problems.Count == 0;
}
