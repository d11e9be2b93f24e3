using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Archive;

/// <summary>
/// The cursor of a <c>query --include-archive</c> page: base64url of <c>0x41 ‖ seq (8 bytes, big-endian)
/// ‖ first 6 bytes of SHA-256(the filters)</c>, like the live query's cursor but marked as spanning the
/// archive, so a cursor pasted into a query with other filters, or without <c>--include-archive</c>, is refused.
/// </summary>
internal static class ArchiveQueryCursor
{
    private const byte Marker = 0x41;
    private const int HashLength = 6;
    private const int Length = 1 + sizeof(long) + HashLength;

    /// <summary>The cursor continuing below <paramref name="lastSeq"/>.</summary>
    public static string Encode(long lastSeq, EntryFilter filter)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Marker;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], lastSeq);
        FilterHash(filter).CopyTo(bytes[(1 + sizeof(long))..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The exclusive upper seq bound of <paramref name="cursor"/>.</summary>
    /// <exception cref="CliException">Malformed, or issued for other filters (exit 2, naming <c>--cursor</c>).</exception>
    public static long Decode(string cursor, EntryFilter filter)
    {
        Span<byte> bytes = stackalloc byte[Length];
        if (cursor.Length != Base64Url.GetEncodedLength(Length)
            || Base64Url.DecodeFromChars(cursor, bytes, out _, out int written) != System.Buffers.OperationStatus.Done
            || written != Length
            || bytes[0] != Marker)
        {
            throw new CliException(ExitCodes.BadInput,
                "--cursor: this is not a cursor of a query with --include-archive; pass the cursor such a query printed, unchanged, or drop --cursor to start from the newest decision.");
        }

        if (!bytes[(1 + sizeof(long))..].SequenceEqual(FilterHash(filter)))
        {
            throw new CliException(ExitCodes.BadInput,
                "--cursor: this cursor belongs to a query with other filters or where clauses; repeat the exact filters of the page that printed it, or drop --cursor to start from the newest decision.");
        }

        return BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
    }

    private static byte[] FilterHash(EntryFilter filter)
    {
        var text = new StringBuilder();
        foreach (string? part in new[] { filter.RequestId, filter.ModelName, filter.ModelVersion, filter.UserId, filter.Tenant, filter.SubjectId, filter.InputFingerprint, filter.Kind })
        {
            text.Append(part is null ? "-" : "+" + part).Append('\n');
        }

        text.Append(filter.From?.UtcTicks).Append('\n').Append(filter.To?.UtcTicks).Append('\n');
        foreach (FieldPredicate predicate in filter.Where)
        {
            text.Append(predicate).Append('\n');
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))[..HashLength];
    }
}
