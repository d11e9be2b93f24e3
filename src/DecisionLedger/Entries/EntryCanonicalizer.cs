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
/// <c>redactions</c>, <c>requestId</c>, <c>seq</c>, <c>subject</c>, <c>timestamp</c>, <c>v</c>; v2 adds
/// <c>prev</c> between <c>output</c> and <c>redactions</c> and writes <c>subject</c> as <c>{"ref":…}</c>),
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
        if (entry.Prev is { } prev)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"prev\":"u8);
            CanonicalEntryParts.WritePrev(output, prev);
        }

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
        else if (entry.SubjectRef is { } subjectRef)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"subject\":"u8);
            CanonicalEntryParts.WriteSubjectRef(output, subjectRef);
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
    /// type (the message names it), <c>v</c> is neither 1 nor 2, a v2 entry breaks the v2 rules (no <c>prev</c>,
    /// a <c>subject.id</c>, a malformed ref, a link below -1),
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

    private static void Validate(LedgerEntry entry)
    {
        Validate(entry.V, entry.Seq, entry.RequestId, entry.Model, entry.Timestamp, entry.Output, entry.Redactions);
        if (entry.V == LedgerEntry.Version2)
        {
            if (entry.Subject is not null)
            {
                throw new ArgumentException("Entry field 'subject.id' is not allowed in a v2 entry; a v2 entry names its subject by 'subject.ref' only, never by the clear id.", "entry");
            }

            ValidateVersion2(entry.Seq, entry.Subject, entry.SubjectRef, entry.Prev);
        }
        else if (entry.Prev is not null || entry.SubjectRef is not null)
        {
            throw new ArgumentException(
                $"Entry field '{(entry.Prev is not null ? "prev" : "subject.ref")}' is set on a v1 entry; only v{LedgerEntry.Version2} entries carry chain links and subject refs.", "entry");
        }
    }

    /// <summary>The v2 rules: <c>prev</c> present with links from -1 to seq - 1, no clear subject id, a well-formed ref, and no subject link without a subject.</summary>
    internal static void ValidateVersion2(long seq, DecisionSubject? subject, string? subjectRef, ChainLinks? prev)
    {
        if (prev is null)
        {
            throw new ArgumentException("Entry field 'prev' is missing; every v2 decision entry carries its chain links (-1 where a chain starts).", "entry");
        }

        CheckLink(prev.Model, seq, "prev.model");
        CheckLink(prev.Subject, seq, "prev.subject");
        if (subject?.Id is not null)
        {
            throw new ArgumentException("Entry field 'subject.id' is not allowed in a v2 entry; a v2 entry names its subject by 'subject.ref' only, never by the clear id.", "entry");
        }

        if (subjectRef is null)
        {
            if (prev.Subject != ChainLinks.None)
            {
                throw new ArgumentException($"Entry field 'prev.subject' is {prev.Subject} but the entry has no subject; it must be -1.", "entry");
            }
        }
        else if (!SubjectRefText.IsValid(subjectRef))
        {
            throw new ArgumentException($"Entry field 'subject.ref' is \"{subjectRef}\"; {SubjectRefText.Expected}.", "entry");
        }
    }

    private static void CheckLink(long link, long seq, string field)
    {
        if (link < ChainLinks.None || link >= seq)
        {
            throw new ArgumentException($"Entry field '{field}' is {link}; expected -1 (no previous entry) or the seq of an earlier entry (0 to {seq - 1}).", "entry");
        }
    }

    /// <summary>The checks of <see cref="Write"/>, for writers that hold the fields but no <see cref="LedgerEntry"/>.</summary>
    internal static void Validate(int v, long seq, string? requestId, ModelInfo? model, DateTimeOffset timestamp, JsonElement output, object? redactions)
    {
        if (v is not (LedgerEntry.CurrentVersion or LedgerEntry.Version2))
        {
            throw new ArgumentException(
                $"Entry field 'v' is {v}; this build writes leaf format versions {LedgerEntry.CurrentVersion} and {LedgerEntry.Version2} only.", "entry");
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
