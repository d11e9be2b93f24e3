using System.Buffers;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Hashing;
using DecisionLedger.Records;

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
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

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
        WriteRaw(output, "{"u8);
        if (entry.Actor is { } actor)
        {
            Key(output, ref first, "\"actor\":"u8);
            bool inner = true;
            WriteRaw(output, "{"u8);
            OptionalString(output, ref inner, "\"tenant\":"u8, actor.Tenant);
            OptionalString(output, ref inner, "\"userId\":"u8, actor.UserId);
            WriteRaw(output, "}"u8);
        }

        if (entry.Explanation is { } explanation)
        {
            Key(output, ref first, "\"explanation\":"u8);
            WriteExplanation(output, explanation);
        }

        Key(output, ref first, "\"inputDigest\":"u8);
        WriteDigest(output, entry.InputDigest);
        if (entry.LatencyMs is { } latency)
        {
            Key(output, ref first, "\"latencyMs\":"u8);
            Number(output, latency, "latencyMs");
        }

        if (entry.Metadata is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } metadata)
        {
            Key(output, ref first, "\"metadata\":"u8);
            JsonCanonicalizer.Write(metadata, output);
        }

        Key(output, ref first, "\"model\":"u8);
        WriteModel(output, entry.Model);
        Key(output, ref first, "\"output\":"u8);
        JsonCanonicalizer.Write(entry.Output, output);
        Key(output, ref first, "\"redactions\":"u8);
        WriteRedactions(output, entry.Redactions);
        Key(output, ref first, "\"requestId\":"u8);
        JsonCanonicalizer.WriteString(entry.RequestId, output);
        Key(output, ref first, "\"seq\":"u8);
        WriteInteger(output, entry.Seq);
        if (entry.Subject is { } subject)
        {
            Key(output, ref first, "\"subject\":"u8);
            bool inner = true;
            WriteRaw(output, "{"u8);
            OptionalString(output, ref inner, "\"id\":"u8, subject.Id);
            WriteRaw(output, "}"u8);
        }

        Key(output, ref first, "\"timestamp\":"u8);
        WriteTimestamp(output, entry.Timestamp);
        Key(output, ref first, "\"v\":"u8);
        WriteInteger(output, entry.V);
        WriteRaw(output, "}"u8);
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

    internal static void WriteModel(IBufferWriter<byte> output, ModelInfo model)
    {
        bool first = true;
        WriteRaw(output, "{"u8);
        OptionalString(output, ref first, "\"artifactDigest\":"u8, model.ArtifactDigest);
        OptionalString(output, ref first, "\"name\":"u8, model.Name);
        if (model.Parameters is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } parameters)
        {
            Key(output, ref first, "\"parameters\":"u8);
            JsonCanonicalizer.Write(parameters, output);
        }

        OptionalString(output, ref first, "\"pipelineVersion\":"u8, model.PipelineVersion);
        OptionalString(output, ref first, "\"version\":"u8, model.Version);
        WriteRaw(output, "}"u8);
    }

    internal static void WriteExplanation(IBufferWriter<byte> output, Explanation explanation)
    {
        bool first = true;
        WriteRaw(output, "{"u8);
        if (explanation.Attributions is { } attributions)
        {
            Key(output, ref first, "\"attributions\":"u8);
            WriteAttributions(output, attributions);
        }

        if (explanation.BaseValue is { } baseValue)
        {
            Key(output, ref first, "\"baseValue\":"u8);
            Number(output, baseValue, "explanation.baseValue");
        }

        OptionalString(output, ref first, "\"method\":"u8, explanation.Method);
        WriteRaw(output, "}"u8);
    }

    private static void WriteAttributions(IBufferWriter<byte> output, IReadOnlyDictionary<string, double> attributions)
    {
        int count = attributions.Count;
        string[] names = ArrayPool<string>.Shared.Rent(Math.Max(count, 1));
        double[] values = ArrayPool<double>.Shared.Rent(Math.Max(count, 1));
        try
        {
            int n = 0;

            // The concrete type's struct enumerator avoids boxing one on the hot path.
            if (attributions is Dictionary<string, double> dictionary)
            {
                foreach (KeyValuePair<string, double> pair in dictionary)
                {
                    names[n] = pair.Key;
                    values[n++] = pair.Value;
                }
            }
            else
            {
                foreach (KeyValuePair<string, double> pair in attributions)
                {
                    if (n == count)
                    {
                        throw new ArgumentException("Entry field 'explanation.attributions' changed while it was being written.", nameof(attributions));
                    }

                    names[n] = pair.Key;
                    values[n++] = pair.Value;
                }
            }

            // RFC 8785 orders members by UTF-16 code units, which is exactly ordinal order.
            Array.Sort(names, values, 0, n, StringComparer.Ordinal);
            WriteRaw(output, "{"u8);
            for (int i = 0; i < n; i++)
            {
                if (i > 0)
                {
                    if (string.Equals(names[i - 1], names[i], StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"Entry field 'explanation.attributions' has the feature \"{names[i]}\" twice.", nameof(attributions));
                    }

                    WriteRaw(output, ","u8);
                }

                JsonCanonicalizer.WriteString(names[i], output);
                WriteRaw(output, ":"u8);
                Number(output, values[i], "explanation.attributions");
            }

            WriteRaw(output, "}"u8);
        }
        finally
        {
            ArrayPool<string>.Shared.Return(names, clearArray: true);
            ArrayPool<double>.Shared.Return(values);
        }
    }

    internal static void WriteRedactions(IBufferWriter<byte> output, IReadOnlyList<AppliedRedaction> redactions)
    {
        WriteRaw(output, "["u8);
        for (int i = 0; i < redactions.Count; i++)
        {
            AppliedRedaction redaction = redactions[i];
            if (redaction?.Path is null || redaction.Rule is null || redaction.Operator is null)
            {
                throw new ArgumentException(
                    $"Entry field 'redactions[{i}]' needs a path, a rule and an operator.", nameof(redactions));
            }

            WriteRaw(output, i == 0 ? "{\"operator\":"u8 : ",{\"operator\":"u8);
            JsonCanonicalizer.WriteString(redaction.Operator, output);
            WriteRaw(output, ",\"path\":"u8);
            JsonCanonicalizer.WriteString(redaction.Path, output);
            WriteRaw(output, ",\"rule\":"u8);
            JsonCanonicalizer.WriteString(redaction.Rule, output);
            WriteRaw(output, "}"u8);
        }

        WriteRaw(output, "]"u8);
    }

    internal static void WriteDigest(IBufferWriter<byte> output, Sha256Hash digest)
    {
        Span<byte> raw = stackalloc byte[Sha256Hash.Size];
        digest.CopyTo(raw);
        Span<byte> destination = output.GetSpan((2 * Sha256Hash.Size) + 2);
        destination[0] = (byte)'"';
        Convert.TryToHexStringLower(raw, destination[1..], out int written);
        destination[written + 1] = (byte)'"';
        output.Advance(written + 2);
    }

    internal static void WriteTimestamp(IBufferWriter<byte> output, DateTimeOffset timestamp)
    {
        Span<byte> destination = output.GetSpan(32);
        destination[0] = (byte)'"';
        timestamp.UtcDateTime.TryFormat(destination[1..], out int written, TimestampFormat, CultureInfo.InvariantCulture);
        destination[written + 1] = (byte)'"';
        output.Advance(written + 2);
    }

    // Integers within ±2^53 print the same as ECMAScript would print them as doubles.
    internal static void WriteInteger(IBufferWriter<byte> output, long value)
    {
        Span<byte> destination = output.GetSpan(20);
        value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    internal static void Number(IBufferWriter<byte> output, double value, string field)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(
                $"Entry field '{field}' is {value.ToString(CultureInfo.InvariantCulture)}; JSON holds only finite numbers. Omit the value or record it as finite.",
                field);
        }

        JsonCanonicalizer.WriteNumber(value, output);
    }

    internal static void OptionalString(IBufferWriter<byte> output, ref bool first, ReadOnlySpan<byte> key, string? value)
    {
        if (value is null)
        {
            return;
        }

        Key(output, ref first, key);
        JsonCanonicalizer.WriteString(value, output);
    }

    internal static void Key(IBufferWriter<byte> output, ref bool first, ReadOnlySpan<byte> quotedKeyAndColon)
    {
        if (!first)
        {
            WriteRaw(output, ","u8);
        }

        first = false;
        WriteRaw(output, quotedKeyAndColon);
    }

    internal static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
