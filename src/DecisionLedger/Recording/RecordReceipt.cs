using System.Text.Json.Serialization;
using DecisionLedger.Hashing;

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
}
