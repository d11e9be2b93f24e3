using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Witnessing.Receipts;

/// <summary>
/// The JSON of a receipt's <c>"witnessed"</c> member:
/// <c>{"cosignedCheckpoint":"note…","proof":{inclusion},"consistency":{"from","to","hashes"},"timestamps":{"NAME":"base64 DER"}}</c>,
/// proofs in the shapes of <c>dledger proof</c> (<c>consistency</c> only when the receipt's own checkpoint is older).
/// </summary>
public static class WitnessedProofJson
{
    /// <summary>The receipt member the witnessed proof is written under.</summary>
    public const string MemberName = "witnessed";

    /// <summary>Writes the witnessed proof as a JSON object (the writer's current value).</summary>
    /// <param name="json">The writer.</param>
    /// <param name="proof">The witnessed proof.</param>
    public static void Write(Utf8JsonWriter json, WitnessedProof proof)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(proof);
        json.WriteStartObject();
        json.WriteString("cosignedCheckpoint", proof.CosignedCheckpoint);
        json.WriteStartObject("proof");
        json.WriteNumber("leafIndex", proof.Inclusion.LeafIndex);
        json.WriteNumber("treeSize", proof.Inclusion.TreeSize);
        json.WriteString("leafHash", proof.Inclusion.LeafHash.ToBase64());
        WriteHashes(json, proof.Inclusion.Hashes);
        json.WriteEndObject();
        if (proof.Consistency is { } consistency)
        {
            json.WriteStartObject("consistency");
            json.WriteNumber("from", consistency.FromSize);
            json.WriteNumber("to", consistency.ToSize);
            WriteHashes(json, consistency.Hashes);
            json.WriteEndObject();
        }

        json.WriteStartObject("timestamps");
        foreach ((string authority, byte[] token) in proof.Timestamps)
        {
            json.WriteBase64String(authority, token);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Reads a <c>"witnessed"</c> member.</summary>
    /// <param name="element">The member's value.</param>
    /// <returns>The witnessed proof, unverified.</returns>
    /// <exception cref="FormatException">A member is missing or malformed; the message names it (e.g. <c>witnessed.proof.hashes[2]</c>).</exception>
    public static WitnessedProof Read(JsonElement element)
    {
        const string at = MemberName;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{at}: must be an object {{\"cosignedCheckpoint\",\"proof\",\"timestamps\"}}; got {element.ValueKind}.");
        }

        string cosigned = RequiredString(element, "cosignedCheckpoint", at);
        InclusionProof inclusion = ReadInclusion(Required(element, "proof", at), $"{at}.proof");
        ConsistencyProof? consistency = null;
        if (element.TryGetProperty("consistency", out JsonElement c) && c.ValueKind != JsonValueKind.Null)
        {
            string path = $"{at}.consistency";
            consistency = new ConsistencyProof(RequiredLong(c, "from", path), RequiredLong(c, "to", path), ReadHashes(c, path));
        }

        var timestamps = new List<KeyValuePair<string, byte[]>>();
        if (element.TryGetProperty("timestamps", out JsonElement t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{at}.timestamps: must be an object mapping each time-stamp authority's name to its base64 DER token.");
            }

            foreach (JsonProperty token in t.EnumerateObject())
            {
                if (token.Value.ValueKind != JsonValueKind.String || !token.Value.TryGetBytesFromBase64(out byte[]? bytes))
                {
                    throw new FormatException($"{at}.timestamps.{token.Name}: not a base64 string; it must be the DER time-stamp token in standard base64.");
                }

                timestamps.Add(new(token.Name, bytes));
            }
        }

        return new WitnessedProof(cosigned, inclusion, consistency, timestamps);
    }

    /// <summary>Reads an inclusion proof object <c>{"leafIndex","treeSize","leafHash","hashes"}</c>.</summary>
    /// <param name="element">The object.</param>
    /// <param name="path">Its path, for messages (e.g. <c>proof</c>).</param>
    /// <returns>The proof, unverified.</returns>
    /// <exception cref="FormatException">A member is missing or malformed.</exception>
    public static InclusionProof ReadInclusion(JsonElement element, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: must be an object {{\"leafIndex\",\"treeSize\",\"leafHash\",\"hashes\"}}.");
        }

        return new InclusionProof(
            RequiredLong(element, "leafIndex", path),
            RequiredLong(element, "treeSize", path),
            Hash(RequiredString(element, "leafHash", path), $"{path}.leafHash"),
            ReadHashes(element, path));
    }

    internal static JsonElement Required(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new FormatException($"{path}.{name}: missing.");

    internal static string RequiredString(JsonElement element, string name, string path)
    {
        JsonElement value = Required(element, name, path);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"{path}.{name}: must be a string; got {value.ValueKind}.");
    }

    internal static long RequiredLong(JsonElement element, string name, string path)
    {
        JsonElement value = Required(element, name, path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) && number >= 0
            ? number
            : throw new FormatException($"{path}.{name}: must be a non-negative integer; got {value.GetRawText()}.");
    }

    internal static Sha256Hash Hash(string base64, string path)
    {
        try
        {
            return Sha256Hash.FromBase64(base64);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new FormatException($"{path}: '{base64}' is not the base64 of a 32-byte SHA-256 hash.", e);
        }
    }

    private static List<Sha256Hash> ReadHashes(JsonElement element, string path)
    {
        JsonElement array = Required(element, "hashes", path);
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{path}.hashes: must be an array of base64 hashes.");
        }

        var hashes = new List<Sha256Hash>();
        int i = 0;
        foreach (JsonElement hash in array.EnumerateArray())
        {
            string item = $"{path}.hashes[{i++}]";
            hashes.Add(Hash(hash.ValueKind == JsonValueKind.String ? hash.GetString()! : throw new FormatException($"{item}: must be a base64 string."), item));
        }

        return hashes;
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
