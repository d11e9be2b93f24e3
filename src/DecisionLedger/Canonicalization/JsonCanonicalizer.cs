using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace DecisionLedger.Canonicalization;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme (JCS): one byte sequence per JSON value, so that
/// hashes and signatures over JSON are reproducible by any conforming implementation.
/// </summary>
/// <remarks>
/// Members are sorted by the UTF-16 code units of their names, strings use the minimal
/// escaping of RFC 8785 §3.2.2.2, numbers are IEEE-754 doubles printed as ECMAScript
/// <c>Number.prototype.toString</c> does, and the output is UTF-8 without a byte order mark
/// or insignificant whitespace. Working memory comes from <see cref="ArrayPool{T}"/>.
/// </remarks>
public static class JsonCanonicalizer
{
    private const int StackallocThreshold = 256;

    /// <summary>Writes the canonical form of <paramref name="element"/> to <paramref name="output"/>.</summary>
    /// <param name="element">The JSON value to canonicalize; any kind but <see cref="JsonValueKind.Undefined"/>.</param>
    /// <param name="output">Receives the UTF-8 canonical bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The value cannot be canonicalized: an object repeats a property name, a number is
    /// outside the range of an IEEE-754 double, a string or name holds a lone UTF-16 surrogate or
    /// bytes that are not UTF-8, or
    /// the element is <see cref="JsonValueKind.Undefined"/> (a default <see cref="JsonElement"/>).
    /// </exception>
    /// <exception cref="InsufficientExecutionStackException">The value is nested too deeply for the current thread's stack.</exception>
    public static void Write(JsonElement element, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var scratch = default(CanonicalScratch);
        try
        {
            WriteValue(element, output, ref scratch);
        }
        finally
        {
            scratch.Release();
        }
    }

    /// <summary>Returns the canonical form of <paramref name="element"/> as a new array.</summary>
    /// <param name="element">The JSON value to canonicalize.</param>
    /// <returns>The UTF-8 canonical bytes.</returns>
    /// <exception cref="ArgumentException">The value cannot be canonicalized; see <see cref="Write(JsonElement, IBufferWriter{byte})"/>.</exception>
    public static byte[] Canonicalize(JsonElement element)
    {
        using PooledBufferWriter writer = PooledBufferWriter.Rent();
        Write(element, writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Parses UTF-8 JSON text and returns its canonical form.</summary>
    /// <param name="utf8Json">One JSON value in UTF-8; default <see cref="JsonDocument"/> limits apply (depth 64).</param>
    /// <returns>The UTF-8 canonical bytes.</returns>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    /// <exception cref="ArgumentException">The value cannot be canonicalized; see <see cref="Write(JsonElement, IBufferWriter{byte})"/>.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        if (reader.BytesConsumed != utf8Json.Length && utf8Json[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).Length != 0)
        {
            throw new JsonException($"Unexpected content after the JSON value at byte offset {reader.BytesConsumed}.");
        }

        return Canonicalize(document.RootElement);
    }

    /// <summary>Writes <paramref name="value"/> as a JSON string with RFC 8785 §3.2.2.2 escaping.</summary>
    /// <remarks>
    /// Only <c>"</c>, <c>\</c> and control characters below U+0020 are escaped (as <c>\b \t \n \f \r</c>
    /// or lowercase <c>\u00xx</c>); every other character is written as raw UTF-8.
    /// </remarks>
    /// <param name="value">The string's UTF-16 code units, without quotes.</param>
    /// <param name="output">Receives the quoted UTF-8 string.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> contains a lone UTF-16 surrogate, which is not Unicode text.</exception>
    public static void WriteString(ReadOnlySpan<char> value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int maxBytes = value.Length * 3;
        byte[]? rented = null;
        Span<byte> utf8 = maxBytes <= StackallocThreshold
            ? stackalloc byte[StackallocThreshold]
            : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            OperationStatus status = Utf8.FromUtf16(value, utf8, out int read, out int written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                throw new ArgumentException(
                    $"The string has a lone UTF-16 surrogate (U+{(int)value[read]:X4}) at index {read}; RFC 8785 accepts only valid Unicode text. Remove the unpaired surrogate or fix the text's encoding.",
                    nameof(value));
            }

            CanonicalOutput.WriteQuotedUtf8(utf8[..written], output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> as ECMAScript <c>Number.prototype.toString</c> prints it (RFC 8785 §3.2.2.3).</summary>
    /// <remarks>
    /// The shortest digits that round-trip; <c>-0</c> is written <c>0</c>; plain notation for
    /// magnitudes in [1e-6, 1e21), exponent notation such as <c>1e+21</c> or <c>1e-7</c> otherwise.
    /// </remarks>
    /// <param name="value">A finite double.</param>
    /// <param name="output">Receives the UTF-8 digits.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is NaN or an infinity, which JSON cannot represent.</exception>
    public static void WriteNumber(double value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(
                $"{value.ToString(CultureInfo.InvariantCulture)} cannot be represented in JSON (RFC 8785 §3.2.2.3 allows only finite numbers); send null or a string instead.",
                nameof(value));
        }

        Span<byte> destination = output.GetSpan(32);
        int length = CanonicalNumberFormat.Format(value, destination);
        output.Advance(length);
    }

    internal static void WriteValue(JsonElement element, IBufferWriter<byte> output, ref CanonicalScratch scratch)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output, ref scratch);
                break;
            case JsonValueKind.Array:
                RuntimeHelpers.EnsureSufficientExecutionStack();
                CanonicalOutput.WriteByte(output, (byte)'[');
                bool first = true;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        CanonicalOutput.WriteByte(output, (byte)',');
                    }

                    first = false;
                    WriteValue(item, output, ref scratch);
                }

                CanonicalOutput.WriteByte(output, (byte)']');
                break;
            case JsonValueKind.String:
                WriteStringElement(element, output, ref scratch);
                break;
            case JsonValueKind.Number:
                ReadOnlySpan<byte> numberText = JsonMarshal.GetRawUtf8Value(element);
                if (CanonicalNumberFormat.IsCanonicalText(numberText))
                {
                    CanonicalOutput.WriteBytes(output, numberText);
                    break;
                }

                if (!element.TryGetDouble(out double number) || !double.IsFinite(number))
                {
                    throw new ArgumentException(
                        $"The number {element.GetRawText()} is outside the range of an IEEE-754 double, which RFC 8785 requires; send it as a string instead.",
                        nameof(element));
                }

                WriteNumber(number, output);
                break;
            case JsonValueKind.True:
                CanonicalOutput.WriteBytes(output, "true"u8);
                break;
            case JsonValueKind.False:
                CanonicalOutput.WriteBytes(output, "false"u8);
                break;
            case JsonValueKind.Null:
                CanonicalOutput.WriteBytes(output, "null"u8);
                break;
            default:
                throw new ArgumentException(
                    "The JSON element is undefined (a default JsonElement); pass an element taken from a parsed JsonDocument.",
                    nameof(element));
        }
    }

    private static void WriteObject(JsonElement element, IBufferWriter<byte> output, ref CanonicalScratch scratch)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        int count = element.GetPropertyCount();
        if (count == 0)
        {
            CanonicalOutput.WriteBytes(output, "{}"u8);
            return;
        }

        int nameBase = scratch.NamesUsed;
        int slotBase = scratch.PushSortedMembers(element, count);
        Span<PropertySlot> slots = scratch.Slots.AsSpan(slotBase, count);
        for (int i = 1; i < slots.Length; i++)
        {
            if (Utf16OrderComparer.CompareUtf8(NameOf(in scratch, slots[i - 1]), NameOf(in scratch, slots[i])) == 0)
            {
                throw DuplicateName(NameOf(in scratch, slots[i]));
            }
        }

        CanonicalOutput.WriteByte(output, (byte)'{');
        for (int i = 0; i < count; i++)
        {
            // Re-read through scratch each time: a nested object may have grown (replaced) the arrays.
            PropertySlot slot = scratch.Slots[slotBase + i];
            if (i > 0)
            {
                CanonicalOutput.WriteByte(output, (byte)',');
            }

            CanonicalOutput.WriteQuotedUtf8(scratch.Names.AsSpan(slot.NameStart, slot.NameLength), output);
            CanonicalOutput.WriteByte(output, (byte)':');
            WriteValue(slot.Value, output, ref scratch);
        }

        CanonicalOutput.WriteByte(output, (byte)'}');
        scratch.SlotsUsed = slotBase;
        scratch.NamesUsed = nameBase;
    }

    internal static ArgumentException DuplicateName(ReadOnlySpan<byte> name) =>
        new($"The JSON object has the property \"{Encoding.UTF8.GetString(name)}\" more than once; RFC 8785 requires unique names. Keep one of them.", "element");

    private static ReadOnlySpan<byte> NameOf(in CanonicalScratch scratch, PropertySlot slot) =>
        scratch.Names.AsSpan(slot.NameStart, slot.NameLength);

    internal static void WriteStringElement(JsonElement element, IBufferWriter<byte> output, ref CanonicalScratch scratch)
    {
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(element);

        // The raw value is the string token as parsed, quotes included.
        if (raw.Length >= 2 && raw[0] == (byte)'"')
        {
            raw = raw[1..^1];
        }

        if (!raw.Contains((byte)'\\'))
        {
            // The parser has refused raw control characters and quotes, but it does not check the
            // UTF-8 of a string it does not decode: valid unescaped content is already canonical.
            Utf8Validation.ThrowIfInvalid(raw, "string");
            CanonicalOutput.WriteByte(output, (byte)'"');
            CanonicalOutput.WriteBytes(output, raw);
            CanonicalOutput.WriteByte(output, (byte)'"');
            return;
        }

        // Decoded into the free tail of the name buffer; not committed, so nothing to undo.
        scratch.EnsureNames(raw.Length);
        Span<byte> decoded = scratch.Names.AsSpan(scratch.NamesUsed);
        int length = JsonStringUnescaper.Unescape(raw, decoded);
        Utf8Validation.ThrowIfInvalid(decoded[..length], "string");
        CanonicalOutput.WriteQuotedUtf8(decoded[..length], output);
    }
}
