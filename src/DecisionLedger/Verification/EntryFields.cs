using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Hashing;

namespace DecisionLedger.Verification;

/// <summary>
/// The few fields verification needs from a canonical entry, read with <see cref="Utf8JsonReader"/>
/// without deserializing the rest.
/// </summary>
internal readonly struct EntryFields
{
    private EntryFields(long seq, ulong requestIdKey, Sha256Hash? inputDigest, int version, EntryV2Fields? v2)
    {
        Seq = seq;
        RequestIdKey = requestIdKey;
        InputDigest = inputDigest;
        Version = version;
        V2 = v2;
    }

    public long Seq { get; }

    /// <summary>The entry's <c>v</c>: 1 or 2 (0 when it has none, which the canonical and version checks catch).</summary>
    public int Version { get; }

    /// <summary>The v2 fields (kind, chain keys, links, heads), read for v2 entries only; null for v1.</summary>
    public EntryV2Fields? V2 { get; }

    /// <summary>A 64-bit FNV-1a hash of the requestId's UTF-8 bytes: 8 bytes per entry keeps a 10M-entry uniqueness set small.</summary>
    public ulong RequestIdKey { get; }

    public Sha256Hash? InputDigest { get; }

    /// <summary>Reads seq, requestId and inputDigest; returns an error sentence when the entry is malformed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> canonical, out EntryFields fields, out string? error) =>
        TryRead(canonical, null, out fields, out error, out _);

    /// <summary>
    /// Reads seq, requestId and inputDigest and, in the same pass, checks the columns a store copied
    /// out of the entry (<paramref name="columns"/>; null checks none).
    /// </summary>
    /// <param name="canonical">The entry's bytes.</param>
    /// <param name="columns">The stored columns of the row, or null.</param>
    /// <param name="fields">The fields read.</param>
    /// <param name="error">Why the entry cannot be read, when false is returned.</param>
    /// <param name="mismatchedColumn">The SQL name of the first column that differs from the entry, or null.</param>
    public static bool TryRead(ReadOnlySpan<byte> canonical, Storage.EntryColumns? columns, out EntryFields fields, out string? error, out string? mismatchedColumn)
    {
        mismatchedColumn = null;
        var matcher = columns is null ? default : new EntryColumnMatcher(columns);
        fields = default;
        error = null;
        long? seq = null;
        ulong key = 0;
        bool hasRequestId = false;
        Sha256Hash? digest = null;
        int version = 0;
        Span<byte> bytes = stackalloc byte[Sha256Hash.Size];
        try
        {
            var reader = new Utf8JsonReader(canonical, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "it is not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("seq"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
                    {
                        error = "its 'seq' is not a non-negative integer";
                        return false;
                    }

                    seq = value;
                }
                else if (reader.ValueTextEquals("requestId"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = "its 'requestId' is not a string";
                        return false;
                    }

                    if (columns is not null)
                    {
                        matcher.CheckRequestId(ref reader);
                    }

                    key = Fnv1a(reader.ValueSpan);
                    hasRequestId = true;
                }
                else if (reader.ValueTextEquals("inputDigest"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length != Sha256Hash.Size * 2)
                    {
                        error = "its 'inputDigest' is not 64 hexadecimal characters";
                        return false;
                    }

                    if (Convert.FromHexString(reader.ValueSpan, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != Sha256Hash.Size)
                    {
                        error = "its 'inputDigest' is not 64 hexadecimal characters";
                        return false;
                    }

                    digest = Sha256Hash.FromBytes(bytes);
                }
                else if (reader.ValueTextEquals("v"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out version) || version is not (1 or 2))
                    {
                        error = "its 'v' is not 1 or 2, the leaf format versions this verifier reads (a newer version needs a newer verifier)";
                        return false;
                    }
                }
                else if (columns is not null && matcher.TryConsume(ref reader))
                {
                    // A column's source field, checked against the column as it was read.
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.BytesConsumed != canonical.Length)
            {
                error = "it is not exactly one JSON object";
                return false;
            }
        }
        catch (JsonException e)
        {
            error = $"it is not valid JSON ({e.Message})";
            return false;
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader throws this, not JsonException, when a name or string it compares or
            // decodes holds invalid UTF-8 or an escaped lone surrogate: text no ledger wrote.
            error = $"it holds text that is not valid Unicode ({e.Message})";
            return false;
        }

        if (seq is null)
        {
            error = "it has no 'seq' field";
            return false;
        }

        if (!hasRequestId)
        {
            error = "it has no 'requestId' field";
            return false;
        }

        EntryV2Fields? v2 = null;
        if (version == Entries.LedgerEntry.Version2 && !EntryV2Fields.TryRead(canonical, out v2, out error))
        {
            return false;
        }

        if (columns is not null)
        {
            matcher.Complete();
            mismatchedColumn = matcher.Mismatch;
        }

        fields = new EntryFields(seq.Value, key, digest, version, v2);
        return true;
    }

    /// <summary>Reads the requestId for a finding's detail; only called on the (rare) duplicate path so the hot path allocates no string.</summary>
    public static string ReadRequestId(ReadOnlySpan<byte> canonical)
    {
        var reader = new Utf8JsonReader(canonical, new JsonReaderOptions { MaxDepth = 256 });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool wanted = reader.ValueTextEquals("requestId"u8);
            reader.Read();
            if (wanted)
            {
                return reader.GetString() ?? string.Empty;
            }

            reader.Skip();
        }

        return string.Empty;
    }

    /// <summary>Whether <paramref name="bytes"/> are exactly their own RFC 8785 canonical form.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> bytes) => CanonicalFormChecker.TryCheck(bytes) ?? CanonicalizesToItself(bytes);

    /// <summary>The reference answer: canonicalize and compare. Several times the cost of <see cref="CanonicalFormChecker"/>.</summary>
    internal static bool CanonicalizesToItself(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonCanonicalizer.Canonicalize(bytes).AsSpan().SequenceEqual(bytes);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Computes <c>SHA-256(salt ‖ input)</c>, re-canonicalizing the input only when the raw bytes do not match.</summary>
    public static bool InputMatches(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> input, Sha256Hash expected, out Sha256Hash found)
    {
        found = SaltedDigest(salt, input);
        if (found == expected)
        {
            return true;
        }

        try
        {
            // The commitment is over JCS(input): a store that re-encoded the same JSON has not altered it.
            found = SaltedDigest(salt, JsonCanonicalizer.Canonicalize(input));
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return false;
        }

        return found == expected;
    }

    private static Sha256Hash SaltedDigest(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> input)
    {
        return InputCommitment.ComputeDigest(salt, input);
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
