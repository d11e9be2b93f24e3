using System.Globalization;
using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;

namespace DecisionLedger.Archiving;

/// <summary>One archived decision entry as read back from its archive file, with the file it came from.</summary>
/// <param name="Row">The row: seq, the canonical entry bytes, the input and salt if still held, and the query columns.</param>
/// <param name="File">The file that holds it, as the ledger commits to it.</param>
public sealed record ArchivedEntry(ArchiveRow Row, ArchiveCatalogFile File)
{
    /// <summary>The entry's seq (the row's <c>seq</c> column).</summary>
    public long Seq => Row.Seq;

    /// <summary>
    /// The entry as a store would return it: the canonical bytes, a leaf hash computed from them (a
    /// cache, like a store's, never trusted by verification), and the columns the archive file holds
    /// (request id, timestamp, model, version, subject; user and tenant read from the entry itself), so
    /// verification checks the file's query columns against the entry just as it checks a store's.
    /// </summary>
    /// <returns>The stored entry.</returns>
    public StoredEntry ToStoredEntry()
    {
        (string? userId, string? tenant, string kind) = ReadActor(Row.Entry);
        var columns = new EntryColumns(
            Row.RequestId,
            Timestamp(Row.Timestamp),
            Row.Model ?? string.Empty,
            Row.Version ?? string.Empty,
            userId,
            tenant,
            Row.Subject,
            null,
            kind);
        return new StoredEntry(Row.Seq, Row.Entry, MerkleHasher.HashLeaf(Row.Entry), columns);
    }

    /// <summary>The stored input and salt the file holds for the entry, or null when it holds none (erased, or deleted before archiving).</summary>
    /// <returns>The input, or null.</returns>
    public StoredInput? ToStoredInput() => Row.Input is { } input && Row.Salt is { } salt ? new StoredInput(Row.Seq, salt, input) : null;

    // Microseconds since the epoch; a value no DateTimeOffset holds reads as MinValue, which verify reports as a 'ts' mismatch.
    private static DateTimeOffset Timestamp(long microseconds)
    {
        try
        {
            return DateTimeOffset.UnixEpoch.AddTicks(checked(microseconds * 10));
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            return DateTimeOffset.MinValue;
        }
    }

    // The archive has no user or tenant column: they come from the entry, so only the file's own columns can disagree with it.
    private static (string? UserId, string? Tenant, string Kind) ReadActor(byte[] entry)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(entry);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, EntryColumns.DecisionKind);
            }

            string? userId = null;
            string? tenant = null;
            if (root.TryGetProperty("actor", out JsonElement actor) && actor.ValueKind == JsonValueKind.Object)
            {
                userId = actor.TryGetProperty("userId", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                tenant = actor.TryGetProperty("tenant", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            }

            string kind = root.TryGetProperty("kind", out JsonElement k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : EntryColumns.DecisionKind;
            return (userId, tenant, kind);
        }
        catch (JsonException)
        {
            // Unreadable bytes are verification's finding (malformed-entry), not the reader's.
            return (null, null, EntryColumns.DecisionKind);
        }
    }

    /// <summary>The timestamp column's value for <paramref name="timestamp"/>: microseconds since the Unix epoch.</summary>
    internal static long Microseconds(DateTimeOffset timestamp) =>
        (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"seq {Seq} in {File.File}");
}
