using System.Text.Json;

namespace DecisionLedger.Archiving;

/// <summary>
/// What an <c>archive-rewrite</c> event entry records: the archive files rewritten without some stored
/// inputs and salts (those of an erased subject, or those past the retention policy's <c>inputs</c>
/// duration), with their old and new digests, so verification accepts the new bytes and still catches
/// any other change. Written as
/// <c>{"destination":"dir:/…","erasureSeq":E,"files":[{"file":"…","previous":"…","rows":R,"sha256":"…"}],"reason":"erasure"}</c>
/// after an erasure, or
/// <c>{"destination":"dir:/…","files":[…],"reason":"input-retention","retentionSeq":R}</c>
/// after an <c>input-retention</c> event (<see cref="RetentionSeq"/>).
/// </summary>
/// <param name="Destination">Where the files are.</param>
/// <param name="ErasureSeq">The seq of the <c>erasure</c> event the rewrite carries out; -1 when it carries out an <c>input-retention</c> event (<see cref="RetentionSeq"/>).</param>
/// <param name="Files">The rewritten files; at least one.</param>
public sealed record ArchiveRewriteEvent(string Destination, long ErasureSeq, IReadOnlyList<ArchiveRewrittenFile> Files)
{
    private static readonly string[] s_members = ["destination", "erasureSeq", "files", "reason"];
    private static readonly string[] s_retentionMembers = ["destination", "files", "reason", "retentionSeq"];
    private static readonly string[] s_fileMembers = ["file", "previous", "rows", "sha256"];

    /// <summary>The value of the <c>reason</c> member: why the files were rewritten.</summary>
    public const string ErasureReason = "erasure";

    /// <summary>The value of the <c>reason</c> member when the retention policy's <c>inputs</c> duration removed the inputs.</summary>
    public const string InputRetentionReason = "input-retention";

    /// <summary>
    /// The seq of the <c>input-retention</c> event the rewrite carries out, or <see langword="null"/> for
    /// an erasure's rewrite. When set, <see cref="ErasureSeq"/> is -1 and the event is written with
    /// <c>"reason":"input-retention"</c> and <c>retentionSeq</c> instead of <c>erasureSeq</c>.
    /// </summary>
    public long? RetentionSeq { get; init; }

    /// <summary>Why the files were rewritten: <see cref="ErasureReason"/> or <see cref="InputRetentionReason"/>.</summary>
    public string Reason => RetentionSeq is null ? ErasureReason : InputRetentionReason;

    /// <summary>Creates the rewrite that carries out an <c>input-retention</c> event in archive files.</summary>
    /// <param name="destination">Where the files are.</param>
    /// <param name="retentionSeq">The seq of the <c>input-retention</c> event.</param>
    /// <param name="files">The rewritten files; at least one.</param>
    /// <returns>The event body.</returns>
    public static ArchiveRewriteEvent ForInputRetention(string destination, long retentionSeq, IReadOnlyList<ArchiveRewrittenFile> files) =>
        new(destination, -1, files) { RetentionSeq = retentionSeq };

    /// <summary>Throws when a field is out of range; the message names the field.</summary>
    /// <exception cref="ArgumentException">A field is empty, negative or malformed.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Destination))
        {
            throw new ArgumentException("event.destination: required; the destination the files are in (dir:/… or s3://…).");
        }

        if (RetentionSeq is { } retentionSeq)
        {
            if (retentionSeq < 0 || ErasureSeq != -1)
            {
                throw new ArgumentException($"event.retentionSeq: {retentionSeq} with erasureSeq {ErasureSeq}; pass the seq of the input-retention event (not negative) and erasureSeq -1.");
            }
        }
        else if (ErasureSeq < 0)
        {
            throw new ArgumentException($"event.erasureSeq: {ErasureSeq} is negative; pass the seq of the erasure event.");
        }

        if (Files is null || Files.Count == 0)
        {
            throw new ArgumentException("event.files: required; at least one rewritten archive file.");
        }

        foreach (ArchiveRewrittenFile file in Files)
        {
            if (string.IsNullOrWhiteSpace(file.File))
            {
                throw new ArgumentException("event.files[].file: required; the archive file's relative path.");
            }

            foreach ((string name, string value) in new[] { ("previous", file.Previous), ("sha256", file.Sha256) })
            {
                if (value is not { Length: 64 } || !value.All(char.IsAsciiHexDigitLower))
                {
                    throw new ArgumentException($"event.files[].{name}: '{value}' for '{file.File}' is not 64 lowercase hex digits.");
                }
            }
        }
    }

    /// <summary>Writes the <c>event</c> member's body (keys sorted, as canonical JSON requires).</summary>
    internal void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteString("destination", Destination);
        if (RetentionSeq is null)
        {
            writer.WriteNumber("erasureSeq", ErasureSeq);
        }
        writer.WriteStartArray("files");
        foreach (ArchiveRewrittenFile file in Files)
        {
            writer.WriteStartObject();
            writer.WriteString("file", file.File);
            writer.WriteString("previous", file.Previous);
            writer.WriteNumber("rows", file.Rows);
            writer.WriteString("sha256", file.Sha256);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("reason", Reason);
        if (RetentionSeq is { } retentionSeq)
        {
            writer.WriteNumber("retentionSeq", retentionSeq);
        }
    }

    /// <summary>Reads the <c>event</c> member's body, refusing unknown or missing members.</summary>
    /// <exception cref="FormatException">A member is missing, unknown or of the wrong type; the message names it.</exception>
    internal static ArchiveRewriteEvent ReadBody(JsonElement body)
    {
        string? reason = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("reason", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        bool retention = reason == InputRetentionReason;
        RequireOnly(body, "event", retention ? s_retentionMembers : s_members);
        if (reason is not (ErasureReason or InputRetentionReason))
        {
            throw new FormatException($"event.reason: must be '{ErasureReason}' or '{InputRetentionReason}'.");
        }

        JsonElement files = body.GetProperty("files");
        if (files.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("event.files: must be an array.");
        }

        var list = new List<ArchiveRewrittenFile>();
        foreach (JsonElement file in files.EnumerateArray())
        {
            RequireOnly(file, "event.files[]", s_fileMembers);
            list.Add(new ArchiveRewrittenFile(Text(file, "file"), Text(file, "previous"), Number(file, "rows"), Text(file, "sha256")));
        }

        return retention
            ? ForInputRetention(Text(body, "destination"), Number(body, "retentionSeq"), list)
            : new ArchiveRewriteEvent(Text(body, "destination"), Number(body, "erasureSeq"), list);
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

    private static string Text(JsonElement element, string name)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"{name}: must be a string.");
    }

    private static long Number(JsonElement element, string name)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) ? number : throw new FormatException($"{name}: must be an integer.");
    }
}
