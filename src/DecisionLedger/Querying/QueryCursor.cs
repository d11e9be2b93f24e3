using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Storage;

namespace DecisionLedger.Querying;

/// <summary>
/// The opaque keyset cursor of a query page: base64url of <c>0x01 ‖ seq (8 bytes, big-endian) ‖
/// first 6 bytes of SHA-256(the filter)</c>. The next page is every match with a smaller
/// <c>seq</c>, so pages stay stable while the ledger grows (new entries have larger seqs). The
/// filter hash makes a cursor pasted into another query fail loudly instead of skipping results.
/// </summary>
/// <remarks>
/// Not a secret and not signed: forging one only moves where a page starts, which
/// <c>beforeSeq</c> allowed anyway. A bare decimal number is accepted as a legacy cursor (the
/// <c>nextCursor</c> of earlier versions was the seq itself).
/// </remarks>
internal static class QueryCursor
{
    private const byte Version = 1;
    private const int HashLength = 6;
    private const int Length = 1 + sizeof(long) + HashLength;

    /// <summary>The cursor continuing after <paramref name="lastSeq"/> for <paramref name="filter"/>.</summary>
    /// <param name="lastSeq">The smallest seq of the page just returned.</param>
    /// <param name="filter">The filter of the query (its cursor, limit and paging fields are ignored).</param>
    public static string Encode(long lastSeq, EntryFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], lastSeq);
        FilterHash(filter).CopyTo(bytes[(1 + sizeof(long))..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The exclusive upper seq bound a cursor stands for.</summary>
    /// <param name="cursor">A <c>nextCursor</c> from an earlier page of the same query.</param>
    /// <param name="filter">The filter of the query now asked.</param>
    /// <param name="parameter">The parameter name for messages (<c>--cursor</c>, <c>cursor</c>).</param>
    /// <exception cref="QueryException">The cursor is malformed, or was issued for another filter.</exception>
    public static long Decode(string cursor, EntryFilter filter, string parameter = "cursor")
    {
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentNullException.ThrowIfNull(filter);
        if (cursor.Length is > 0 and <= 19 && cursor.All(char.IsAsciiDigit)
            && long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out long legacy))
        {
            return legacy;
        }

        Span<byte> bytes = stackalloc byte[Length];
        if (cursor.Length != Base64Url.GetEncodedLength(Length)
            || Base64Url.DecodeFromChars(cursor, bytes, out _, out int written) != System.Buffers.OperationStatus.Done
            || written != Length
            || bytes[0] != Version)
        {
            throw new QueryException(parameter,
                $"{parameter}: \"{Shorten(cursor)}\" is not a query cursor; pass the nextCursor of a previous page unchanged, or drop {parameter} to start from the newest decision.");
        }

        if (!bytes[(1 + sizeof(long))..].SequenceEqual(FilterHash(filter)))
        {
            throw new QueryException(parameter,
                $"{parameter}: this cursor belongs to a query with other filters or where clauses; repeat the exact filters of the page that returned it, or drop {parameter} to start from the newest decision.");
        }

        long seq = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        return seq >= 0 ? seq : throw new QueryException(parameter, $"{parameter}: the cursor holds a negative position; pass the nextCursor of a previous page unchanged.");
    }

    private static byte[] FilterHash(EntryFilter filter)
    {
        // Length-prefixed fields: no value can be crafted to collide with another field layout.
        var text = new StringBuilder();
        void Add(string? value) => text.Append(value is null ? "-1" : value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
        Add(filter.RequestId);
        Add(filter.ModelName);
        Add(filter.ModelVersion);
        Add(filter.UserId);
        Add(filter.Tenant);
        Add(filter.SubjectId);
        Add(filter.InputFingerprint);
        Add(filter.Kind);
        Add(filter.From?.UtcTicks.ToString(CultureInfo.InvariantCulture));
        Add(filter.To?.UtcTicks.ToString(CultureInfo.InvariantCulture));
        foreach (FieldPredicate predicate in filter.Where)
        {
            Add(predicate.ToString());
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))[..HashLength];
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
}
