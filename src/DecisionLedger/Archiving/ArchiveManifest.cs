using System.Text;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Hashing;

namespace DecisionLedger.Archiving;

/// <summary>
/// What the signed manifest beside an archive file states: the seq range, the row count, the file's
/// SHA-256, the Merkle root of its rows' leaves and the checkpoint that covered them when archived.
/// Its text is one line of canonical JSON (keys sorted, RFC 8785), e.g.
/// <c>{"checkpoint":{"root":"…","size":512},"file":"fraud/2026-01/000000000000-000000000099.parquet","firstSeq":0,"format":"decisionledger-archive/1","lastSeq":99,"leavesRoot":"…","model":"fraud","month":"2026-01","rows":90,"sha256":"…"}</c>.
/// </summary>
/// <param name="File">The archive file's relative path (<see cref="ArchivePaths.FilePath"/>).</param>
/// <param name="Model">The model of every row, or <see langword="null"/> for entries without one.</param>
/// <param name="Month">The UTC month of every row's timestamp, <c>yyyy-MM</c>.</param>
/// <param name="FirstSeq">The first row's seq.</param>
/// <param name="LastSeq">The last row's seq.</param>
/// <param name="Rows">The number of rows.</param>
/// <param name="Sha256">The lowercase hex SHA-256 of the file's bytes.</param>
/// <param name="LeavesRoot">The RFC 6962 Merkle tree hash over the rows' leaf hashes in seq order.</param>
/// <param name="CheckpointSize">The size of the newest signed checkpoint at archive time (greater than <paramref name="LastSeq"/>).</param>
/// <param name="CheckpointRoot">That checkpoint's root hash.</param>
public sealed record ArchiveManifest(
    string File,
    string? Model,
    string Month,
    long FirstSeq,
    long LastSeq,
    long Rows,
    string Sha256,
    Sha256Hash LeavesRoot,
    long CheckpointSize,
    Sha256Hash CheckpointRoot)
{
    /// <summary>The value of the manifest's <c>format</c> member.</summary>
    public const string FormatName = "decisionledger-archive/1";

    private static readonly string[] s_members = ["checkpoint", "file", "firstSeq", "format", "lastSeq", "leavesRoot", "model", "month", "rows", "sha256"];

    /// <summary>The manifest's canonical JSON, one line without a trailing newline.</summary>
    /// <returns>The UTF-8 JSON text.</returns>
    public string ToCanonicalJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("checkpoint");
            writer.WriteString("root", CheckpointRoot.ToBase64());
            writer.WriteNumber("size", CheckpointSize);
            writer.WriteEndObject();
            writer.WriteString("file", File);
            writer.WriteNumber("firstSeq", FirstSeq);
            writer.WriteString("format", FormatName);
            writer.WriteNumber("lastSeq", LastSeq);
            writer.WriteString("leavesRoot", LeavesRoot.ToBase64());
            if (Model is null)
            {
                writer.WriteNull("model");
            }
            else
            {
                writer.WriteString("model", Model);
            }

            writer.WriteString("month", Month);
            writer.WriteNumber("rows", Rows);
            writer.WriteString("sha256", Sha256);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(buffer.WrittenSpan));
    }

    /// <summary>Parses a manifest's JSON and refuses anything that is not exactly what <see cref="ToCanonicalJson"/> writes.</summary>
    /// <param name="json">The manifest text (a trailing newline is allowed).</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="FormatException">The text is not a <see cref="FormatName"/> manifest in canonical form; the message names the member.</exception>
    public static ArchiveManifest Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        string text = json.EndsWith('\n') ? json[..^1] : json;
        ArchiveManifest manifest;
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("manifest: not a JSON object.");
            }

            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (Array.IndexOf(s_members, property.Name) < 0)
                {
                    throw new FormatException($"manifest.{property.Name}: unknown member; a manifest has only {string.Join(", ", s_members)}.");
                }
            }

            string format = String(root, "format");
            if (!string.Equals(format, FormatName, StringComparison.Ordinal))
            {
                throw new FormatException($"manifest.format: '{format}' is not a format this build reads ('{FormatName}').");
            }

            JsonElement checkpoint = Member(root, "checkpoint");
            if (checkpoint.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("manifest.checkpoint: must be an object {\"root\",\"size\"}.");
            }

            JsonElement model = Member(root, "model");
            manifest = new ArchiveManifest(
                String(root, "file"),
                model.ValueKind == JsonValueKind.Null ? null : String(root, "model"),
                String(root, "month"),
                Long(root, "firstSeq"),
                Long(root, "lastSeq"),
                Long(root, "rows"),
                String(root, "sha256"),
                Hash(root, "leavesRoot"),
                Long(checkpoint, "size", "checkpoint.size"),
                Hash(checkpoint, "root", "checkpoint.root"));
        }
        catch (JsonException e)
        {
            throw new FormatException($"manifest: not valid JSON ({e.Message}).", e);
        }

        if (!string.Equals(manifest.ToCanonicalJson(), text, StringComparison.Ordinal))
        {
            throw new FormatException("manifest: not in canonical form (keys sorted, RFC 8785); it is not the text that was signed.");
        }

        return manifest;
    }

    private static JsonElement Member(JsonElement element, string name, string? path = null) =>
        element.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new FormatException($"manifest.{path ?? name}: required member is missing.");

    private static string String(JsonElement element, string name, string? path = null)
    {
        JsonElement value = Member(element, name, path);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"manifest.{path ?? name}: must be a string.");
    }

    private static long Long(JsonElement element, string name, string? path = null)
    {
        JsonElement value = Member(element, name, path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) && number >= 0
            ? number
            : throw new FormatException($"manifest.{path ?? name}: must be an integer, 0 or more.");
    }

    private static Sha256Hash Hash(JsonElement element, string name, string? path = null)
    {
        string text = String(element, name, path);
        try
        {
            return Sha256Hash.FromBase64(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"manifest.{path ?? name}: '{text}' is not the standard base64 of 32 bytes.", e);
        }
    }
}
