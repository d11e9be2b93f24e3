using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using DecisionLedger.Heads;

namespace DecisionLedger.Completeness;

/// <summary>
/// Writes and reads a <see cref="CompletenessProof"/> as the bundle's <c>completeness.json</c>:
/// <c>{"key":"s:…","treeSize":N,"upper":{"headsSeq":h,"head":null|{"last":n,"count":n},"proof":{…}},"lower":null|{…},"chain":[seq,…]}</c>
/// (docs/format.md, section 10).
/// </summary>
public static class CompletenessProofJson
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    /// <summary>Returns the proof as UTF-8 JSON, ending in a newline.</summary>
    /// <param name="proof">The proof.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] ToBytes(CompletenessProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            Write(writer, proof);
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the proof as one JSON object (for example as a member of a report).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="proof">The proof.</param>
    public static void Write(Utf8JsonWriter writer, CompletenessProof proof)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(proof);
        writer.WriteStartObject();
        writer.WriteString("key", proof.Key);
        writer.WriteNumber("treeSize", proof.TreeSize);
        writer.WritePropertyName("upper");
        WriteBound(writer, proof.Upper);
        writer.WritePropertyName("lower");
        if (proof.Lower is { } lower)
        {
            WriteBound(writer, lower);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteStartArray("chain");
        foreach (long seq in proof.Chain)
        {
            writer.WriteNumberValue(seq);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads a proof from the bytes of <c>completeness.json</c>.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="FormatException">The bytes are not JSON or not a completeness proof; the message names the member and the problem.</exception>
    public static CompletenessProof Parse(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"completeness.json is not JSON: {e.Message}", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"completeness.json: a JSON object with 'key', 'treeSize', 'upper', 'lower' and 'chain'; got {root.ValueKind}.");
            }

            RefuseUnknown(root, "completeness", "key", "treeSize", "upper", "lower", "chain");
            string key = root.TryGetProperty("key", out JsonElement k) && k.ValueKind == JsonValueKind.String && IsChainKey(k.GetString()!)
                ? k.GetString()!
                : throw new FormatException($"completeness.key: required, a heads-map key: '{ChainKeys.SubjectPrefix}' followed by a subject ref or '{ChainKeys.ModelPrefix}' followed by a model name.");
            long treeSize = ReadInteger(root, "treeSize", 1, "completeness");
            HeadsBound upper = root.TryGetProperty("upper", out JsonElement u)
                ? ReadBound(u, "completeness.upper")
                : throw new FormatException("completeness.upper: required, the heads entry at treeSize - 1 with the key's head and its map proof.");
            HeadsBound? lower = !root.TryGetProperty("lower", out JsonElement l)
                ? throw new FormatException("completeness.lower: required; null for the whole chain, else an earlier heads entry with the key's head and its map proof.")
                : l.ValueKind == JsonValueKind.Null ? null : ReadBound(l, "completeness.lower");
            if (!root.TryGetProperty("chain", out JsonElement c) || c.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("completeness.chain: required, the array of the chain's seqs between the bounds, newest first.");
            }

            var chain = new List<long>(c.GetArrayLength());
            int i = 0;
            foreach (JsonElement seq in c.EnumerateArray())
            {
                chain.Add(seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out long value) && value >= 0
                    ? value
                    : throw new FormatException($"completeness.chain[{i}]: a seq, an integer 0 or more."));
                i++;
            }

            return new CompletenessProof(key, treeSize, upper, lower, chain);
        }
    }

    private static bool IsChainKey(string key) =>
        (key.StartsWith(ChainKeys.SubjectPrefix, StringComparison.Ordinal) || key.StartsWith(ChainKeys.ModelPrefix, StringComparison.Ordinal)) && key.Length > 2;

    private static void WriteBound(Utf8JsonWriter writer, HeadsBound bound)
    {
        writer.WriteStartObject();
        writer.WriteNumber("headsSeq", bound.HeadsSeq);
        if (bound.Head is { } head)
        {
            writer.WriteStartObject("head");
            writer.WriteNumber("last", head.Last);
            writer.WriteNumber("count", head.Count);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("head");
        }

        writer.WritePropertyName("proof");
        MapProofJson.Write(writer, bound.Proof);
        writer.WriteEndObject();
    }

    private static HeadsBound ReadBound(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: an object with 'headsSeq', 'head' and 'proof'; got {element.ValueKind}.");
        }

        RefuseUnknown(element, path, "headsSeq", "head", "proof");
        long headsSeq = ReadInteger(element, "headsSeq", 0, path);
        ChainHead? head = null;
        if (!element.TryGetProperty("head", out JsonElement h))
        {
            throw new FormatException($"{path}.head: required; null when the key is absent, else {{\"last\":n,\"count\":n}}.");
        }

        if (h.ValueKind != JsonValueKind.Null)
        {
            if (h.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{path}.head: null or an object with 'last' and 'count'; got {h.ValueKind}.");
            }

            RefuseUnknown(h, $"{path}.head", "last", "count");
            head = new ChainHead(ReadInteger(h, "last", 0, $"{path}.head"), ReadInteger(h, "count", 1, $"{path}.head"));
        }

        MapProof proof = element.TryGetProperty("proof", out JsonElement p)
            ? MapProofJson.Read(p, $"{path}.proof")
            : throw new FormatException($"{path}.proof: required, the map proof of the head against the heads entry's root.");
        return new HeadsBound(headsSeq, head, proof);
    }

    private static long ReadInteger(JsonElement element, string name, long minimum, string path) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) && number >= minimum
            ? number
            : throw new FormatException($"{path}.{name}: required, an integer {minimum} or more.");

    private static void RefuseUnknown(JsonElement element, string path, params string[] known)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                throw new FormatException($"{path}.{property.Name}: unknown member; expected only {string.Join(", ", known)}.");
            }
        }
    }
}
