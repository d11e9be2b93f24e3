using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Retention;

/// <summary>
/// What an <c>archive-expiry</c> event entry records: retention deleted these archive files (and their
/// manifests) because every decision in them was past its model's <c>keep</c> duration and no legal
/// hold covered any of them. Recorded before a byte is deleted, so verification accepts the files'
/// absence as expiry by policy and still proves, through the leaves that stay in the tiles, that
/// their entries existed. Written as
/// <c>{"cutoffs":[{"before":"2020-12-07T00:00:00.000000Z"},{"before":"…","model":"fraud"}],"decisions":N,"files":[{"destination":"dir:/…","file":"…","firstSeq":A,"lastSeq":B,"rows":R,"sha256":"…"}]}</c>:
/// a cutoff without <c>model</c> is the default rule's, one without <c>before</c> expires nothing of its model.
/// </summary>
/// <param name="Cutoffs">The <c>keep</c> cutoffs the run applied: default first, then by model name.</param>
/// <param name="Files">The files deleted; at least one.</param>
public sealed record ArchiveExpiryEvent(IReadOnlyList<KeepCutoff> Cutoffs, IReadOnlyList<ExpiredArchiveFile> Files)
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
    private static readonly string[] s_members = ["cutoffs", "decisions", "files"];
    private static readonly string[] s_fileMembers = ["destination", "file", "firstSeq", "lastSeq", "rows", "sha256"];

    /// <summary>The number of decisions whose archived bodies the event deletes: the sum of the files' rows.</summary>
    public long Decisions => Files.Sum(static f => f.Rows);

    /// <summary>Throws when a field is out of range; the message names the field.</summary>
    /// <exception cref="ArgumentException">No file, an empty path or destination, a bad digest or span, a repeated model or file, or no cutoff that expires anything.</exception>
    internal void Validate()
    {
        if (Cutoffs is null || !Cutoffs.Any(c => c.Before is not null))
        {
            throw new ArgumentException("event.cutoffs: at least one cutoff with 'before' is required; an archive-expiry event that expires nothing is not recorded.");
        }

        if (Cutoffs.GroupBy(c => c.Model ?? "\0").Any(g => g.Count() > 1))
        {
            throw new ArgumentException("event.cutoffs: a model (or the default) appears twice; give each one cutoff.");
        }

        if (Files is null || Files.Count == 0)
        {
            throw new ArgumentException("event.files: required; at least one expired archive file.");
        }

        foreach (ExpiredArchiveFile file in Files)
        {
            if (string.IsNullOrWhiteSpace(file.Destination) || string.IsNullOrWhiteSpace(file.File))
            {
                throw new ArgumentException("event.files[].destination/file: required; the destination (dir:/… or s3://…) and the file's relative path.");
            }

            if (file.Sha256 is not { Length: 64 } || !file.Sha256.All(char.IsAsciiHexDigitLower))
            {
                throw new ArgumentException($"event.files[].sha256: '{file.Sha256}' for '{file.File}' is not 64 lowercase hex digits.");
            }

            if (file.Rows < 1 || file.FirstSeq < 0 || file.LastSeq < file.FirstSeq || file.Rows > file.LastSeq - file.FirstSeq + 1)
            {
                throw new ArgumentException($"event.files[].rows/firstSeq/lastSeq: {file.Rows} rows in seqs {file.FirstSeq}-{file.LastSeq} for '{file.File}' do not fit; a file holds at least one row and at most one per seq of its span.");
            }
        }

        if (Files.GroupBy(f => f.Destination + "\n" + f.File, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new ArgumentException("event.files: a file appears twice; list each once.");
        }
    }

    /// <summary>Writes the <c>event</c> member's body (keys sorted, as canonical JSON requires).</summary>
    internal void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("cutoffs");
        foreach (KeepCutoff cutoff in Cutoffs.OrderBy(c => c.Model is null ? 0 : 1).ThenBy(c => c.Model, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            if (cutoff.Before is { } before)
            {
                writer.WriteString("before", before.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture));
            }

            if (cutoff.Model is { } model)
            {
                writer.WriteString("model", model);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("decisions", Decisions);
        writer.WriteStartArray("files");
        foreach (ExpiredArchiveFile file in Files)
        {
            writer.WriteStartObject();
            writer.WriteString("destination", file.Destination);
            writer.WriteString("file", file.File);
            writer.WriteNumber("firstSeq", file.FirstSeq);
            writer.WriteNumber("lastSeq", file.LastSeq);
            writer.WriteNumber("rows", file.Rows);
            writer.WriteString("sha256", file.Sha256);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Reads the <c>event</c> member's body, refusing unknown or missing members.</summary>
    /// <exception cref="FormatException">A member is missing, unknown or of the wrong type, or <c>decisions</c> is not the sum of the rows; the message names it.</exception>
    internal static ArchiveExpiryEvent ReadBody(JsonElement body)
    {
        RequireOnly(body, "event", s_members);
        JsonElement cutoffs = body.GetProperty("cutoffs");
        if (cutoffs.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("event.cutoffs: must be an array.");
        }

        var cutoffList = new List<KeepCutoff>();
        foreach (JsonElement cutoff in cutoffs.EnumerateArray())
        {
            cutoffList.Add(ReadCutoff(cutoff));
        }

        JsonElement files = body.GetProperty("files");
        if (files.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("event.files: must be an array.");
        }

        var fileList = new List<ExpiredArchiveFile>();
        foreach (JsonElement file in files.EnumerateArray())
        {
            RequireOnly(file, "event.files[]", s_fileMembers);
            fileList.Add(new ExpiredArchiveFile(
                Text(file, "destination", "event.files[].destination"),
                Text(file, "file", "event.files[].file"),
                Text(file, "sha256", "event.files[].sha256"),
                Number(file, "rows", "event.files[].rows"),
                Number(file, "firstSeq", "event.files[].firstSeq"),
                Number(file, "lastSeq", "event.files[].lastSeq")));
        }

        var expiry = new ArchiveExpiryEvent(cutoffList, fileList);
        long decisions = Number(body, "decisions", "event.decisions");
        if (decisions != expiry.Decisions)
        {
            throw new FormatException($"event.decisions: {decisions} is not the sum of the files' rows ({expiry.Decisions}).");
        }

        return expiry;
    }

    private static KeepCutoff ReadCutoff(JsonElement cutoff)
    {
        if (cutoff.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("event.cutoffs[]: must be an object.");
        }

        string? model = null;
        DateTimeOffset? before = null;
        foreach (JsonProperty property in cutoff.EnumerateObject())
        {
            if (property.Name == "model" && property.Value.ValueKind == JsonValueKind.String)
            {
                model = property.Value.GetString();
            }
            else if (property.Name == "before" && property.Value.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParseExact(property.Value.GetString(), TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset at))
            {
                before = at;
            }
            else
            {
                throw new FormatException($"event.cutoffs[].{property.Name}: not 'model' (a string) or 'before' (YYYY-MM-DDTHH:MM:SS.ffffffZ).");
            }
        }

        return new KeepCutoff(model, before);
    }

    private static void RequireOnly(JsonElement element, string path, string[] names)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: must be an object.");
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
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
    }

    private static string Text(JsonElement element, string name, string path)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"{path}: must be a string.");
    }

    private static long Number(JsonElement element, string name, string path)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) ? number : throw new FormatException($"{path}: must be an integer.");
    }
}
