using System.Text.Json.Serialization;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Recording;

/// <summary>Proof of durable recording: where the entry sits and what its leaf hash is.</summary>
/// <param name="Seq">The entry's position in the ledger.</param>
/// <param name="RequestId">The decision's request id.</param>
/// <param name="LeafHash">SHA-256(0x00 ‖ canonical entry bytes).</param>
public sealed record RecordReceipt(long Seq, string RequestId, [property: JsonIgnore] Sha256Hash LeafHash)
{
    /// <summary>The leaf hash in standard base64, the encoding of every hash in proofs and checkpoints.</summary>
    [JsonPropertyName("leafHash")]
    public string LeafHashBase64 => LeafHash.ToBase64();

    /// <summary>
    /// The signed checkpoint (C2SP signed-note text) that covers the entry, when the receipt was asked
    /// with <c>includeProof</c>; otherwise null. Open it with <see cref="Checkpoints.CheckpointNote.Open"/>
    /// and the ledger's verifier key.
    /// </summary>
    [JsonIgnore]
    public string? Checkpoint { get; init; }

    /// <summary>
    /// The entry's inclusion proof against <see cref="Checkpoint"/> (its tree size and root), when the
    /// receipt was asked with <c>includeProof</c>; otherwise null. With the checkpoint it makes the
    /// receipt evidence on its own: <c>InclusionProof.Verify(checkpoint.RootHash)</c>.
    /// </summary>
    [JsonIgnore]
    public InclusionProof? InclusionProof { get; init; }
}
