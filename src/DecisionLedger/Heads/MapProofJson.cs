using System.Text.Json;
using DecisionLedger.Hashing;

namespace DecisionLedger.Heads;

/// <summary>
/// Writes and reads a <see cref="MapProof"/> as JSON:
/// <c>{"siblings":["&lt;base64&gt;",…],"terminal":null|{"keyHash":"&lt;base64&gt;","last":n,"count":n}}</c>,
/// every hash in standard base64 (docs/format.md, section 10).
/// </summary>
public static class MapProofJson
{
    /// <summary>Writes <paramref name="proof"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, MapProof proof)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(proof);
        writer.WriteStartObject();
        writer.WriteStartArray("siblings");
        foreach (Sha256Hash sibling in proof.Siblings)
        {
            writer.WriteStringValue(sibling.ToBase64());
        }

        writer.WriteEndArray();
        if (proof.Terminal is MapLeaf terminal)
        {
            writer.WriteStartObject("terminal");
            writer.WriteString("keyHash", terminal.KeyHash.ToBase64());
            writer.WriteNumber("last", terminal.Last);
            writer.WriteNumber("count", terminal.Count);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("terminal");
        }

        writer.WriteEndObject();
    }

    /// <summary>The proof as compact JSON text.</summary>
    public static string ToJson(MapProof proof)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, proof);
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Reads a proof from JSON text.</summary>
    /// <exception cref="FormatException">The text is not JSON or not a map proof; the message names the member.</exception>
    public static MapProof Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"A map proof must be JSON: {e.Message}", e);
        }
    }

    /// <summary>Reads a proof from a JSON element (for example a member of a larger document).</summary>
    /// <param name="element">The proof object.</param>
    /// <param name="path">Where the element is, used in error messages (default <c>proof</c>).</param>
    /// <exception cref="FormatException">The element is not a map proof; the message names the member and the problem.</exception>
    public static MapProof Read(JsonElement element, string path = "proof")
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: a map proof is a JSON object with 'siblings' and 'terminal'; got {element.ValueKind}.");
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (property.Name is not ("siblings" or "terminal"))
            {
                throw new FormatException($"{path}.{property.Name}: unknown member; a map proof has only 'siblings' and 'terminal'.");
            }
        }

        if (!element.TryGetProperty("siblings", out JsonElement siblingsElement) || siblingsElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{path}.siblings: required, an array of base64 hashes (empty at the root).");
        }

        int count = siblingsElement.GetArrayLength();
        if (count > MapProofVerifier.MaxDepth)
        {
            throw new FormatException($"{path}.siblings: {count} entries; a key hash has only {MapProofVerifier.MaxDepth} bits, so at most {MapProofVerifier.MaxDepth}.");
        }

        var siblings = new Sha256Hash[count];
        int i = 0;
        foreach (JsonElement sibling in siblingsElement.EnumerateArray())
        {
            siblings[i] = ReadHash(sibling, $"{path}.siblings[{i}]");
            i++;
        }

        if (!element.TryGetProperty("terminal", out JsonElement terminalElement))
        {
            throw new FormatException($"{path}.terminal: required; null for an empty subtree, else an object with 'keyHash', 'last' and 'count'.");
        }

        return new MapProof(siblings, ReadTerminal(terminalElement, $"{path}.terminal"));
    }

    private static MapLeaf? ReadTerminal(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: null or an object with 'keyHash', 'last' and 'count'; got {element.ValueKind}.");
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (property.Name is not ("keyHash" or "last" or "count"))
            {
                throw new FormatException($"{path}.{property.Name}: unknown member; a terminal leaf has only 'keyHash', 'last' and 'count'.");
            }
        }

        Sha256Hash keyHash = element.TryGetProperty("keyHash", out JsonElement hash)
            ? ReadHash(hash, $"{path}.keyHash")
            : throw new FormatException($"{path}.keyHash: required, the base64 SHA-256 of the leaf's key.");
        long last = ReadInteger(element, "last", 0, path);
        long count = ReadInteger(element, "count", 1, path);
        return new MapLeaf(keyHash, last, count);
    }

    private static long ReadInteger(JsonElement element, string name, long minimum, string path)
    {
        if (!element.TryGetProperty(name, out JsonElement value))
        {
            throw new FormatException($"{path}.{name}: required, an integer ≥ {minimum}.");
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number) || number < minimum)
        {
            throw new FormatException($"{path}.{name}: must be an integer ≥ {minimum}; got {value.GetRawText()}.");
        }

        return number;
    }

    private static Sha256Hash ReadHash(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"{path}: must be a string holding the standard base64 of 32 bytes; got {element.ValueKind}.");
        }

        try
        {
            return Sha256Hash.FromBase64(element.GetString()!);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: '{element.GetString()}' is not the standard base64 of 32 bytes.", e);
        }
    }
}
