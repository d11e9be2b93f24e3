using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Server;

/// <summary>The JSON shapes of proofs (DESIGN.md) and query pages, shared by <c>dledger</c>, evidence bundles and the collector.</summary>
public static class ProofJson
{
    /// <summary>Writes <c>{"leafIndex","treeSize","leafHash","hashes":[base64…]}</c>.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="proof">The inclusion proof.</param>
    public static void WriteInclusion(Utf8JsonWriter json, InclusionProof proof)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(proof);
        json.WriteStartObject();
        json.WriteNumber("leafIndex", proof.LeafIndex);
        json.WriteNumber("treeSize", proof.TreeSize);
        json.WriteString("leafHash", proof.LeafHash.ToBase64());
        WriteHashes(json, proof.Hashes);
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes the members a receipt asked with a proof gains, into the receipt object being written:
    /// <c>"checkpoint"</c> (the covering signed checkpoint, as signed-note text) and <c>"proof"</c>
    /// (the entry's inclusion proof against it, shaped as <see cref="WriteInclusion"/>). Writes
    /// nothing for a receipt without them, so the receipt stays byte-identical.
    /// </summary>
    /// <param name="json">The writer, inside the receipt object.</param>
    /// <param name="receipt">The receipt.</param>
    public static void WriteReceiptProof(Utf8JsonWriter json, Recording.RecordReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Checkpoint is null || receipt.InclusionProof is null)
        {
            return;
        }

        json.WriteString("checkpoint", receipt.Checkpoint);
        json.WritePropertyName("proof");
        WriteInclusion(json, receipt.InclusionProof);
    }

    /// <summary>Writes <c>{"from","to","hashes":[base64…]}</c>.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="proof">The consistency proof.</param>
    public static void WriteConsistency(Utf8JsonWriter json, ConsistencyProof proof)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(proof);
        json.WriteStartObject();
        json.WriteNumber("from", proof.FromSize);
        json.WriteNumber("to", proof.ToSize);
        WriteHashes(json, proof.Hashes);
        json.WriteEndObject();
    }

    /// <summary>Writes a page of query results: <c>{"entries":[canonical entry…],"nextCursor":"opaque"|null}</c>.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="entries">The entries, newest first; their canonical bytes are written as they are.</param>
    /// <param name="nextCursor">The opaque cursor of the next page (see <c>LedgerQuery</c>), or null on the last page.</param>
    public static void WriteQueryPage(Utf8JsonWriter json, IEnumerable<Storage.StoredEntry> entries, string? nextCursor)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(entries);
        json.WriteStartObject();
        json.WriteStartArray("entries");
        foreach (Storage.StoredEntry entry in entries)
        {
            // Stored bytes are canonical JSON already; validating them again would double the cost.
            json.WriteRawValue(entry.CanonicalBytes, skipInputValidation: true);
        }

        json.WriteEndArray();
        json.WriteString("nextCursor", nextCursor);

        json.WriteEndObject();
    }

    private static void WriteHashes(Utf8JsonWriter json, IReadOnlyList<Sha256Hash> hashes)
    {
        json.WriteStartArray("hashes");
        foreach (Sha256Hash hash in hashes)
        {
            json.WriteStringValue(hash.ToBase64());
        }

        json.WriteEndArray();
    }
}
