using System.Text.Json;

namespace DecisionLedger.Importing;

/// <summary>
/// What an <c>import</c> event entry records: one run of <c>dledger import</c> that brought decisions
/// captured elsewhere into the ledger, with its counts. Written as
/// <c>{"bad":B,"duplicates":D,"format":"…","imported":I,"read":R,"runId":"…","source":"…","unpaired":U}</c>.
/// Every decision the run imported names the same <see cref="RunId"/> in <c>metadata.importedFrom.runId</c>.
/// </summary>
/// <param name="Format">The import format: <c>sagemaker-capture</c>, <c>kserve-cloudevents</c> or <c>audit-table</c>.</param>
/// <param name="Source">What was read: the file's full path, or the database and table (never a password).</param>
/// <param name="RunId">The run's id, repeated in every imported decision's <c>metadata.importedFrom.runId</c>.</param>
/// <param name="Read">The records read: lines, rows, or (KServe) pairs and lone halves after pairing by <c>ce-id</c>.</param>
/// <param name="Imported">The records recorded as decisions.</param>
/// <param name="Duplicates">The records skipped because their request id was already in the ledger or earlier in the source.</param>
/// <param name="Bad">The records refused (malformed, or not a decision the ledger accepts).</param>
/// <param name="Unpaired">Of <paramref name="Imported"/>, the KServe decisions recorded from one half alone; 0 for the other formats.</param>
public sealed record ImportEvent(string Format, string Source, string RunId, long Read, long Imported, long Duplicates, long Bad, long Unpaired)
{
    private static readonly string[] s_members = ["bad", "duplicates", "format", "imported", "read", "runId", "source", "unpaired"];

    /// <summary>Throws when a field is empty or negative, or the counts do not add up; the message names the field.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    internal void Validate()
    {
        foreach ((string name, string value) in new[] { ("format", Format), ("source", Source), ("runId", RunId) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"event.{name}: required; a non-empty string.");
            }
        }

        foreach ((string name, long value) in new[] { ("read", Read), ("imported", Imported), ("duplicates", Duplicates), ("bad", Bad), ("unpaired", Unpaired) })
        {
            if (value < 0)
            {
                throw new ArgumentException($"event.{name}: {value} is negative; a count is 0 or more.");
            }
        }

        if (Read != Imported + Duplicates + Bad)
        {
            throw new ArgumentException($"event.read: {Read}, but imported + duplicates + bad = {Imported + Duplicates + Bad}; every record read is counted once.");
        }

        if (Unpaired > Imported)
        {
            throw new ArgumentException($"event.unpaired: {Unpaired} is more than the {Imported} imported; unpaired decisions are among the imported ones.");
        }
    }

    /// <summary>Writes the <c>event</c> member's body (keys sorted, as canonical JSON requires).</summary>
    internal void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteNumber("bad", Bad);
        writer.WriteNumber("duplicates", Duplicates);
        writer.WriteString("format", Format);
        writer.WriteNumber("imported", Imported);
        writer.WriteNumber("read", Read);
        writer.WriteString("runId", RunId);
        writer.WriteString("source", Source);
        writer.WriteNumber("unpaired", Unpaired);
    }

    /// <summary>Reads the <c>event</c> member's body, refusing unknown or missing members.</summary>
    /// <exception cref="FormatException">A member is missing, unknown or of the wrong type; the message names it.</exception>
    internal static ImportEvent ReadBody(JsonElement body)
    {
        foreach (JsonProperty property in body.EnumerateObject())
        {
            if (Array.IndexOf(s_members, property.Name) < 0)
            {
                throw new FormatException($"event.{property.Name}: unknown member; an import event has only {string.Join(", ", s_members)}.");
            }
        }

        foreach (string name in s_members)
        {
            if (!body.TryGetProperty(name, out _))
            {
                throw new FormatException($"event.{name}: required member is missing.");
            }
        }

        return new ImportEvent(
            Text(body, "format"),
            Text(body, "source"),
            Text(body, "runId"),
            Number(body, "read"),
            Number(body, "imported"),
            Number(body, "duplicates"),
            Number(body, "bad"),
            Number(body, "unpaired"));
    }

    private static string Text(JsonElement element, string name)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"event.{name}: must be a string.");
    }

    private static long Number(JsonElement element, string name)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) ? number : throw new FormatException($"event.{name}: must be an integer.");
    }
}
