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

    // The bytes RFC 8785 §3.2.2.2 escapes: control characters, quotation mark, reverse solidus.
    private static readonly SearchValues<byte> s_needsEscape = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
         0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F,
         (byte)'"', (byte)'\\']);

    /// <summary>Writes the canonical form of <paramref name="element"/> to <paramref name="output"/>.</summary>
    /// <param name="element">The JSON value to canonicalize; any kind but <see cref="JsonValueKind.Undefined"/>.</param>
    /// <param name="output">Receives the UTF-8 canonical bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The value cannot be canonicalized: an object repeats a property name, a number is
    /// outside the range of an IEEE-754 double, a string holds a lone UTF-16 surrogate, or
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

            WriteQuotedUtf8(utf8[..written], output);
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
        int length = FormatNumber(value, destination);
        output.Advance(length);
    }

    /// <summary>
    /// True when a JSON number token is already what <see cref="WriteNumber"/> would print for
    /// its value, so it can be copied: plain notation (<c>-?(0|[1-9]d*)(.d*[1-9])?</c>, no
    /// exponent, no trailing fraction zero, not <c>-0</c>), at most 15 digits after any leading
    /// zeros, and not below 1e-6. Any decimal of at most 15 significant digits survives the
    /// round trip through a double (DBL_DIG), and two such decimals never share a double, so
    /// the shortest round-tripping digits ECMAScript prints are these very digits; below 1e-6
    /// it switches to exponent notation. Everything else takes the double path.
    /// </summary>
    internal static bool IsCanonicalNumberText(ReadOnlySpan<byte> text)
    {
        int i = 0;
        if (!text.IsEmpty && text[0] == (byte)'-')
        {
            i = 1;
        }

        if (i >= text.Length)
        {
            return false;
        }

        int digits = 0;
        bool zeroInteger = text[i] == (byte)'0';
        if (zeroInteger)
        {
            i++;
        }
        else
        {
            for (; i < text.Length && char.IsAsciiDigit((char)text[i]); i++)
            {
                digits++;
            }

            if (digits == 0)
            {
                return false;
            }
        }

        if (i == text.Length)
        {
            // An integer: "0" is canonical, "-0" prints as "0".
            return !(zeroInteger && text[0] == (byte)'-') && digits <= 15;
        }

        if (text[i] != (byte)'.')
        {
            return false;
        }

        i++;
        int fractionStart = i;
        int leadingZeros = 0;
        for (; i < text.Length; i++)
        {
            byte c = text[i];
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            if (zeroInteger && digits == 0 && c == (byte)'0')
            {
                leadingZeros++;
            }
            else
            {
                digits++;
            }
        }

        // "1." is not JSON and "0.50" is not canonical; 0.000001 is the smallest plain value.
        return i > fractionStart && text[^1] != (byte)'0' && digits <= 15 && leadingZeros <= 5;
    }

    // Formats a finite double the ECMAScript way. .NET's "R" already yields the shortest
    // round-tripping digits; only the layout (where the point goes, when to use an
    // exponent, "e+21" rather than "E+21") differs, so this re-lays those digits out.
    private static int FormatNumber(double value, Span<byte> destination)
    {
        if (value == 0)
        {
            // Covers -0, which ECMAScript prints as "0".
            destination[0] = (byte)'0';
            return 1;
        }

        Span<byte> formatted = stackalloc byte[32];
        value.TryFormat(formatted, out int formattedLength, "R", CultureInfo.InvariantCulture);
        formatted = formatted[..formattedLength];

        Span<byte> digits = stackalloc byte[32];
        int digitCount = 0;
        int integerDigits = 0;
        bool seenPoint = false;
        int exponent = 0;
        int leadingZeros = 0;
        int position = formatted[0] == (byte)'-' ? 1 : 0;
        for (; position < formatted.Length; position++)
        {
            byte c = formatted[position];
            if (c == (byte)'.')
            {
                seenPoint = true;
            }
            else if (c is (byte)'E' or (byte)'e')
            {
                exponent = int.Parse(formatted[(position + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else
            {
                if (!seenPoint)
                {
                    integerDigits++;
                }

                if (digitCount == 0 && c == (byte)'0')
                {
                    leadingZeros++;
                }
                else
                {
                    digits[digitCount++] = c;
                }
            }
        }

        while (digits[digitCount - 1] == (byte)'0')
        {
            digitCount--;
        }

        // ECMAScript's k and n: value = 0.d1…dk × 10^n.
        int k = digitCount;
        int n = integerDigits + exponent - leadingZeros;
        int w = 0;
        if (value < 0)
        {
            destination[w++] = (byte)'-';
        }

        if (k <= n && n <= 21)
        {
            digits[..k].CopyTo(destination[w..]);
            w += k;
            destination.Slice(w, n - k).Fill((byte)'0');
            w += n - k;
        }
        else if (0 < n && n <= 21)
        {
            digits[..n].CopyTo(destination[w..]);
            w += n;
            destination[w++] = (byte)'.';
            digits[n..k].CopyTo(destination[w..]);
            w += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            destination[w++] = (byte)'0';
            destination[w++] = (byte)'.';
            destination.Slice(w, -n).Fill((byte)'0');
            w += -n;
            digits[..k].CopyTo(destination[w..]);
            w += k;
        }
        else
        {
            destination[w++] = digits[0];
            if (k > 1)
            {
                destination[w++] = (byte)'.';
                digits[1..k].CopyTo(destination[w..]);
                w += k - 1;
            }

            destination[w++] = (byte)'e';
            int e = n - 1;
            destination[w++] = e < 0 ? (byte)'-' : (byte)'+';
            Math.Abs(e).TryFormat(destination[w..], out int expLength, default, CultureInfo.InvariantCulture);
            w += expLength;
        }

        return w;
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
                WriteByte(output, (byte)'[');
                bool first = true;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        WriteByte(output, (byte)',');
                    }

                    first = false;
                    WriteValue(item, output, ref scratch);
                }

                WriteByte(output, (byte)']');
                break;
            case JsonValueKind.String:
                WriteStringElement(element, output, ref scratch);
                break;
            case JsonValueKind.Number:
                ReadOnlySpan<byte> numberText = JsonMarshal.GetRawUtf8Value(element);
                if (IsCanonicalNumberText(numberText))
                {
                    WriteBytes(output, numberText);
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
                WriteBytes(output, "true"u8);
                break;
            case JsonValueKind.False:
                WriteBytes(output, "false"u8);
                break;
            case JsonValueKind.Null:
                WriteBytes(output, "null"u8);
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
            WriteBytes(output, "{}"u8);
            return;
        }

        int slotBase = scratch.SlotsUsed;
        int nameBase = scratch.NamesUsed;
        scratch.EnsureSlots(count);
        int index = slotBase;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8PropertyName(property);
            scratch.EnsureNames(raw.Length);
            int start = scratch.NamesUsed;
            int length = Unescape(raw, scratch.Names.AsSpan(start));
            scratch.NamesUsed += length;
            scratch.Slots[index++] = new PropertySlot(property, start, length);
        }

        scratch.SlotsUsed = index;
        Span<PropertySlot> slots = scratch.Slots.AsSpan(slotBase, count);
        new Utf16OrderComparer(scratch.Names).Sort(slots);
        for (int i = 1; i < slots.Length; i++)
        {
            if (Utf16OrderComparer.CompareUtf8(NameOf(in scratch, slots[i - 1]), NameOf(in scratch, slots[i])) == 0)
            {
                throw DuplicateName(NameOf(in scratch, slots[i]));
            }
        }

        WriteByte(output, (byte)'{');
        for (int i = 0; i < count; i++)
        {
            // Re-read through scratch each time: a nested object may have grown (replaced) the arrays.
            PropertySlot slot = scratch.Slots[slotBase + i];
            if (i > 0)
            {
                WriteByte(output, (byte)',');
            }

            WriteQuotedUtf8(scratch.Names.AsSpan(slot.NameStart, slot.NameLength), output);
            WriteByte(output, (byte)':');
            WriteValue(slot.Value, output, ref scratch);
        }

        WriteByte(output, (byte)'}');
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
            // The parser has validated the UTF-8 and refused raw control characters and
            // quotes, so unescaped content is already canonical.
            WriteByte(output, (byte)'"');
            WriteBytes(output, raw);
            WriteByte(output, (byte)'"');
            return;
        }

        // Decoded into the free tail of the name buffer; not committed, so nothing to undo.
        scratch.EnsureNames(raw.Length);
        Span<byte> decoded = scratch.Names.AsSpan(scratch.NamesUsed);
        int length = Unescape(raw, decoded);
        WriteQuotedUtf8(decoded[..length], output);
    }

    // Decodes JSON escapes in a raw string token into UTF-8. The result is never longer
    // than the input: every escape is at least as long as the bytes it stands for.
    internal static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        int written = 0;
        while (true)
        {
            int backslash = raw.IndexOf((byte)'\\');
            if (backslash < 0)
            {
                raw.CopyTo(destination[written..]);
                return written + raw.Length;
            }

            raw[..backslash].CopyTo(destination[written..]);
            written += backslash;
            byte kind = raw[backslash + 1];
            raw = raw[(backslash + 2)..];
            switch (kind)
            {
                case (byte)'b': destination[written++] = 0x08; break;
                case (byte)'f': destination[written++] = 0x0C; break;
                case (byte)'n': destination[written++] = 0x0A; break;
                case (byte)'r': destination[written++] = 0x0D; break;
                case (byte)'t': destination[written++] = 0x09; break;
                case (byte)'u':
                    int unit = ParseHex4(raw);
                    raw = raw[4..];
                    int codePoint = unit;
                    if (char.IsHighSurrogate((char)unit))
                    {
                        if (raw.Length < 6 || raw[0] != (byte)'\\' || raw[1] != (byte)'u' || !char.IsLowSurrogate((char)ParseHex4(raw[2..])))
                        {
                            throw LoneSurrogate(unit);
                        }

                        codePoint = char.ConvertToUtf32((char)unit, (char)ParseHex4(raw[2..]));
                        raw = raw[6..];
                    }
                    else if (char.IsLowSurrogate((char)unit))
                    {
                        throw LoneSurrogate(unit);
                    }

                    new Rune(codePoint).TryEncodeToUtf8(destination[written..], out int encoded);
                    written += encoded;
                    break;
                default:
                    // '"', '\\' and '/' stand for themselves; the parser rejects any other escape.
                    destination[written++] = kind;
                    break;
            }
        }
    }

    private static int ParseHex4(ReadOnlySpan<byte> hex) =>
        int.Parse(hex[..4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static ArgumentException LoneSurrogate(int unit) =>
        new($"The JSON string has a lone UTF-16 surrogate (\\u{unit:x4}); RFC 8785 accepts only valid Unicode text. Remove the unpaired surrogate or fix the text's encoding.", "element");

    internal static void WriteQuotedUtf8(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        WriteByte(output, (byte)'"');
        while (true)
        {
            int index = utf8.IndexOfAny(s_needsEscape);
            if (index < 0)
            {
                WriteBytes(output, utf8);
                break;
            }

            WriteBytes(output, utf8[..index]);
            WriteEscape(utf8[index], output);
            utf8 = utf8[(index + 1)..];
        }

        WriteByte(output, (byte)'"');
    }

    private static void WriteEscape(byte value, IBufferWriter<byte> output)
    {
        switch (value)
        {
            case 0x08: WriteBytes(output, "\\b"u8); break;
            case 0x09: WriteBytes(output, "\\t"u8); break;
            case 0x0A: WriteBytes(output, "\\n"u8); break;
            case 0x0C: WriteBytes(output, "\\f"u8); break;
            case 0x0D: WriteBytes(output, "\\r"u8); break;
            case (byte)'"': WriteBytes(output, "\\\""u8); break;
            case (byte)'\\': WriteBytes(output, "\\\\"u8); break;
            default:
                Span<byte> escape = output.GetSpan(6);
                "\\u00"u8.CopyTo(escape);
                escape[4] = (byte)"0123456789abcdef"[value >> 4];
                escape[5] = (byte)"0123456789abcdef"[value & 0xF];
                output.Advance(6);
                break;
        }
    }

    internal static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    internal static void WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        value.CopyTo(output.GetSpan(value.Length));
        output.Advance(value.Length);
    }
}
