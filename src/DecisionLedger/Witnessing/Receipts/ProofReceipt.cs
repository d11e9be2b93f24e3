using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Witnessing.Receipts;

/// <summary>
/// A receipt as a client holds it, parsed but not verified:
/// <c>{"seq","requestId","leafHash"[,"checkpoint","proof"][,"witnessed"]}</c> (unknown members, such as a
/// batch answer's <c>"line"</c>, are ignored).
/// </summary>
/// <param name="Seq">The entry's seq.</param>
/// <param name="RequestId">The decision's request id.</param>
/// <param name="LeafHash">The entry's leaf hash.</param>
/// <param name="Checkpoint">The signed checkpoint note the receipt was proven against, or null.</param>
/// <param name="Proof">The entry's inclusion proof against <paramref name="Checkpoint"/>, or null.</param>
/// <param name="Witnessed">What the receipt gained once a checkpoint covering it was published, or null.</param>
public sealed record ProofReceipt(long Seq, string RequestId, Sha256Hash LeafHash, string? Checkpoint, InclusionProof? Proof, WitnessedProof? Witnessed)
{
    /// <summary>Parses one receipt (one JSON object).</summary>
    /// <param name="json">The receipt's JSON text.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="FormatException">It is not JSON, or a member is missing or malformed; the message names the member.</exception>
    public static ProofReceipt Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"receipt: not JSON ({e.Message}); pass the receipt line exactly as printed.", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("receipt: must be a JSON object {\"seq\",\"requestId\",\"leafHash\",…}.");
            }

            const string at = "receipt";
            long seq = WitnessedProofJson.RequiredLong(root, "seq", at);
            string requestId = WitnessedProofJson.RequiredString(root, "requestId", at);
            Sha256Hash leafHash = WitnessedProofJson.Hash(WitnessedProofJson.RequiredString(root, "leafHash", at), "leafHash");
            string? checkpoint = root.TryGetProperty("checkpoint", out JsonElement c) && c.ValueKind != JsonValueKind.Null
                ? WitnessedProofJson.RequiredString(root, "checkpoint", at)
                : null;
            InclusionProof? proof = root.TryGetProperty("proof", out JsonElement p) && p.ValueKind != JsonValueKind.Null
                ? WitnessedProofJson.ReadInclusion(p, "proof")
                : null;
            WitnessedProof? witnessed = root.TryGetProperty(WitnessedProofJson.MemberName, out JsonElement w) && w.ValueKind != JsonValueKind.Null
                ? WitnessedProofJson.Read(w)
                : null;
            return new ProofReceipt(seq, requestId, leafHash, checkpoint, proof, witnessed);
        }
    }
}
