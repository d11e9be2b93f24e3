using System.Text.Json;

namespace DecisionLedger.Archiving;

/// <summary>The <c>event</c> member of an <c>archived</c> entry, written and read strictly (unknown or missing members are refused).</summary>
internal static class ArchivedEventJson
{
    private static readonly string[] s_members = ["decisions", "destination", "files", "firstSeq", "lastSeq"];
    private static readonly string[] s_fileMembers = ["file", "rows", "sha256"];

    public static void WriteBody(Utf8JsonWriter writer, ArchivedEvent archived)
    {
        writer.WriteNumber("decisions", archived.Decisions);
        writer.WriteString("destination", archived.Destination);
        writer.WriteStartArray("files");
        foreach (ArchivedFile file in archived.Files)
        {
            writer.WriteStartObject();
            writer.WriteString("file", file.File);
            writer.WriteNumber("rows", file.Rows);
            writer.WriteString("sha256", file.Sha256);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("firstSeq", archived.FirstSeq);
        writer.WriteNumber("lastSeq", archived.LastSeq);
    }

    /// <exception cref="FormatException">A member is missing, unknown or of the wrong type; the message names it.</exception>
    public static ArchivedEvent ReadBody(JsonElement body)
    {
        RequireOnly(body, "event", s_members);
        JsonElement files = body.GetProperty("files");
        if (files.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("event.files: must be an array.");
        }

        var list = new List<ArchivedFile>();
        foreach (JsonElement file in files.EnumerateArray())
        {
            if (file.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("event.files[]: must be an object {file, rows, sha256}.");
            }

            RequireOnly(file, "event.files[]", s_fileMembers);
            list.Add(new ArchivedFile(String(file, "file", "event.files[].file"), Long(file, "rows", "event.files[].rows"), String(file, "sha256", "event.files[].sha256")));
        }

        return new ArchivedEvent(
            String(body, "destination", "event.destination"),
            list,
            Long(body, "firstSeq", "event.firstSeq"),
            Long(body, "lastSeq", "event.lastSeq"),
            Long(body, "decisions", "event.decisions"));
    }

    private static void RequireOnly(JsonElement element, string path, string[] names)
    {
        int count = 0;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            count++;
            if (Array.IndexOf(names, property.Name) < 0)
            {
                throw new FormatException($"{path}.{property.Name}: unknown member; it has only {string.Join(", ", names)}.");
            }
        }

        foreach (string name in names)
        {
            if (!element.TryGetProperty(name, out _))
            {
                throw new FormatException($"{path}.{name}: required member is missing.");
            }
        }

        if (count != names.Length)
        {
            throw new FormatException($"{path}: a member is repeated.");
        }
    }

    private static string String(JsonElement element, string name, string path)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"{path}: must be a string.");
    }

    private static long Long(JsonElement element, string name, string path)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number)
            ? number
            : throw new FormatException($"{path}: must be an integer.");
    }
}
