using System.Buffers;

namespace DecisionLedger.Canonicalization;

/// <summary>The byte-level writes of the canonical form: raw bytes, and quoted strings with RFC 8785 escaping.</summary>
internal static class CanonicalOutput
{
    // The bytes RFC 8785 §3.2.2.2 escapes: control characters, quotation mark, reverse solidus.
    private static readonly SearchValues<byte> s_needsEscape = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
         0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F,
         (byte)'"', (byte)'\\']);

    /// <summary>Writes UTF-8 text as a quoted JSON string with the minimal escaping of RFC 8785 §3.2.2.2.</summary>
    public static void WriteQuotedUtf8(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
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

    public static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    public static void WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        value.CopyTo(output.GetSpan(value.Length));
        output.Advance(value.Length);
    }
}
