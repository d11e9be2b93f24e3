using System.Globalization;
using System.Text;

namespace DecisionLedger.Archiving;

/// <summary>
/// The layout of an archive: <c>&lt;model-escaped&gt;/&lt;yyyy-MM&gt;/&lt;firstSeq:D12&gt;-&lt;lastSeq:D12&gt;.parquet</c>
/// and, beside each file, its signed manifest <c>&lt;same&gt;.manifest</c>.
/// </summary>
public static class ArchivePaths
{
    /// <summary>The folder of entries that name no model.</summary>
    public const string NoModelFolder = "_none";

    /// <summary>The extension of an archive file.</summary>
    public const string FileExtension = ".parquet";

    /// <summary>The suffix appended to an archive file's path to name its signed manifest.</summary>
    public const string ManifestSuffix = ".manifest";

    /// <summary>
    /// Escapes a model name into one path segment: every UTF-8 byte outside <c>[A-Za-z0-9._-]</c>
    /// becomes <c>%XX</c> (uppercase hex), so no name can climb out of its folder or collide with another.
    /// </summary>
    /// <param name="model">The model name, or <see langword="null"/> (or empty) for an entry without one.</param>
    /// <returns>The escaped segment; <see cref="NoModelFolder"/> for no model.</returns>
    public static string EscapeModel(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return NoModelFolder;
        }

        var escaped = new StringBuilder(model.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(model))
        {
            bool plain = b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'_' or (byte)'-';
            if (plain)
            {
                escaped.Append((char)b);
            }
            else
            {
                escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        // "." and ".." are plain characters but would name the folder itself or its parent.
        string segment = escaped.ToString();
        return segment is "." or ".." ? segment.Replace(".", "%2E", StringComparison.Ordinal) : segment;
    }

    /// <summary>The UTC month of a timestamp as written in paths and manifests, <c>yyyy-MM</c>.</summary>
    /// <param name="timestamp">The entry's timestamp.</param>
    /// <returns>For example <c>2026-01</c>.</returns>
    public static string Month(DateTimeOffset timestamp) =>
        timestamp.ToUniversalTime().ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The relative path of the archive file of one model and month holding seqs <paramref name="firstSeq"/> to <paramref name="lastSeq"/>.</summary>
    /// <param name="model">The model name, or <see langword="null"/>.</param>
    /// <param name="month">The UTC month, <c>yyyy-MM</c>.</param>
    /// <param name="firstSeq">The file's first seq.</param>
    /// <param name="lastSeq">The file's last seq.</param>
    /// <returns>For example <c>fraud/2026-01/000000000000-000000000099.parquet</c>.</returns>
    public static string FilePath(string? model, string month, long firstSeq, long lastSeq) =>
        string.Create(CultureInfo.InvariantCulture, $"{EscapeModel(model)}/{month}/{firstSeq:D12}-{lastSeq:D12}{FileExtension}");

    /// <summary>The relative path of the signed manifest of the archive file at <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The archive file's relative path.</param>
    /// <returns><paramref name="filePath"/> followed by <see cref="ManifestSuffix"/>.</returns>
    public static string ManifestPath(string filePath) => filePath + ManifestSuffix;
}
