using System.Buffers;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Decisions;

namespace DecisionLedger.Entries;

/// <summary>
/// Converts ledger entries to and from their canonical bytes: the RFC 8785 (JCS) form of
/// the entry object whose leaf hash the Merkle tree commits to.
/// </summary>
/// <remarks>
/// The fixed-schema keys are written directly in JCS order (<c>actor</c>, <c>explanation</c>,
/// <c>inputDigest</c>, <c>latencyMs</c>, <c>metadata</c>, <c>model</c>, <c>output</c>,
/// <c>redactions</c>, <c>requestId</c>, <c>seq</c>, <c>subject</c>, <c>timestamp</c>, <c>v</c>),
/// so only the free-form JSON parts go through the generic sort. Optional members that are
/// null are omitted, never written as <c>null</c>. The result is byte-identical to
/// <see cref="JsonCanonicalizer.Canonicalize(JsonElement)"/> of the same JSON.
/// </remarks>
public static class EntryCanonicalizer
{
    // 2^53: beyond it a JSON number (an IEEE-754 double) no longer holds every integer.
    private const long MaxSeq = 1L << 53;

    /// <summary>Writes the canonical bytes of <paramref name="entry"/> to <paramref name="output"/>.</summary>
    /// <param name="entry">The entry to write.</param>
    /// <param name="output">Receives the UTF-8 canonical JSON.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> or <paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A field cannot be written canonically; the message names it: an unsupported <c>v</c>, a
    /// <c>seq</c> outside 0…2^53, a missing required string, a timestamp finer than a
    /// microsecond, an undefined <c>output</c>, a non-finite number, or JSON that RFC 8785 refuses.
    /// </exception>
    public static void Write(LedgerEntry entry, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(output);
        Validate(entry);

        bool first = true;
        CanonicalTokenWriter.WriteRaw(output, "{"u8);
        if (entry.Actor is { } actor)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"actor\":"u8);
            CanonicalEntryParts.WriteActor(output, actor);
        }

        if (entry.Explanation is { } explanation)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"explanation\":"u8);
            CanonicalEntryParts.WriteExplanation(output, explanation);
        }

        CanonicalTokenWriter.Key(output, ref first, "\"inputDigest\":"u8);
        CanonicalTokenWriter.WriteDigest(output, entry.InputDigest);
        if (entry.LatencyMs is { } latency)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"latencyMs\":"u8);
            CanonicalTokenWriter.Number(output, latency, "latencyMs");
        }

        if (entry.Metadata is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } metadata)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"metadata\":"u8);
            JsonCanonicalizer.Write(metadata, output);
        }

        CanonicalTokenWriter.Key(output, ref first, "\"model\":"u8);
        CanonicalEntryParts.WriteModel(output, entry.Model);
        CanonicalTokenWriter.Key(output, ref first, "\"output\":"u8);
        JsonCanonicalizer.Write(entry.Output, output);
        CanonicalTokenWriter.Key(output, ref first, "\"redactions\":"u8);
        CanonicalEntryParts.WriteRedactions(output, entry.Redactions);
        CanonicalTokenWriter.Key(output, ref first, "\"requestId\":"u8);
        JsonCanonicalizer.WriteString(entry.RequestId, output);
        CanonicalTokenWriter.Key(output, ref first, "\"seq\":"u8);
        CanonicalTokenWriter.WriteInteger(output, entry.Seq);
        if (entry.Subject is { } subject)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"subject\":"u8);
            CanonicalEntryParts.WriteSubject(output, subject);
        }

        CanonicalTokenWriter.Key(output, ref first, "\"timestamp\":"u8);
        CanonicalTokenWriter.WriteTimestamp(output, entry.Timestamp);
        CanonicalTokenWriter.Key(output, ref first, "\"v\":"u8);
        CanonicalTokenWriter.WriteInteger(output, entry.V);
        CanonicalTokenWriter.WriteRaw(output, "}"u8);
    }

    /// <summary>Returns the canonical bytes of <paramref name="entry"/> as a new array.</summary>
    /// <param name="entry">The entry to write.</param>
    /// <returns>The UTF-8 canonical JSON, exactly the bytes the leaf hash covers.</returns>
    /// <exception cref="ArgumentException">A field cannot be written canonically; see <see cref="Write"/>.</exception>
    public static byte[] ToCanonicalBytes(LedgerEntry entry)
    {
        using PooledBufferWriter buffer = PooledBufferWriter.Rent();
        Write(entry, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads an entry back from its canonical bytes, as verifiers and bundle readers do, and
    /// refuses bytes that are not exactly what <see cref="Write"/> produces for that entry.
    /// </summary>
    /// <param name="canonicalBytes">One entry's canonical JSON, with no trailing newline.</param>
    /// <returns>The entry; its JSON parts stay valid after the call (they own their memory).</returns>
    /// <exception cref="FormatException">
    /// The bytes are not valid JSON, a field is unknown, repeated, missing or of the wrong
    /// type (the message names it), <c>v</c> is not <see cref="LedgerEntry.CurrentVersion"/>,
    /// or the bytes are not canonical (the message gives the first differing byte offset).
    /// </exception>
    public static LedgerEntry Parse(ReadOnlySpan<byte> canonicalBytes)
    {
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(canonicalBytes);

            // ParseValue gives a document that owns its memory, so the JSON parts of the
            // returned entry outlive this call without a Clone each.
            root = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The entry is not valid JSON: {ex.Message}", ex);
        }

        LedgerEntry entry = EntryReader.Read(root);
        byte[] expected;
        try
        {
            expected = ToCanonicalBytes(entry);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"The entry cannot be canonicalized: {ex.Message}", ex);
        }

        if (!expected.AsSpan().SequenceEqual(canonicalBytes))
        {
            int offset = expected.AsSpan().CommonPrefixLength(canonicalBytes);
            throw new FormatException(
                $"The entry bytes are not canonical (RFC 8785): they differ from the canonical form at byte offset {offset} " +
                $"(length {canonicalBytes.Length}, canonical length {expected.Length}). Entries must be stored exactly as EntryCanonicalizer writes them; " +
                "a difference here means the stored bytes were altered or written by a non-conforming tool.");
        }

        return entry;
    }

    private static void Validate(LedgerEntry entry) =>
        Validate(entry.V, entry.Seq, entry.RequestId, entry.Model, entry.Timestamp, entry.Output, entry.Redactions);

    /// <summary>The checks of <see cref="Write"/>, for writers that hold the fields but no <see cref="LedgerEntry"/>.</summary>
    internal static void Validate(int v, long seq, string? requestId, ModelInfo? model, DateTimeOffset timestamp, JsonElement output, object? redactions)
    {
        if (v != LedgerEntry.CurrentVersion)
        {
            throw new ArgumentException(
                $"Entry field 'v' is {v}; this build writes only leaf format version {LedgerEntry.CurrentVersion}.", "entry");
        }

        if (seq is < 0 or > MaxSeq)
        {
            throw new ArgumentException(
                $"Entry field 'seq' is {seq}; it must be between 0 and 2^53 so it is an exact JSON number.", "entry");
        }

        if (requestId is null)
        {
            throw new ArgumentException("Entry field 'requestId' is missing; assign the decision's id (a UUIDv7 when the caller sent none).", "entry");
        }

        if (model is null || model.Name is null || model.Version is null)
        {
            throw new ArgumentException("Entry field 'model' needs 'name' and 'version'.", "entry");
        }

        if (timestamp.Ticks % TimeSpan.TicksPerMicrosecond != 0)
        {
            throw new ArgumentException(
                $"Entry field 'timestamp' ({timestamp:O}) is finer than a microsecond; truncate it to microseconds before recording so it survives the canonical form unchanged.",
                "entry");
        }

        if (output.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("Entry field 'output' is missing (an undefined JsonElement); it must hold the model's output.", "entry");
        }

        if (redactions is null)
        {
            throw new ArgumentException("Entry field 'redactions' is null; use an empty list when no redaction applied.", "entry");
        }
    }
}
