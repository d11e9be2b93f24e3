using System.Globalization;
using System.Text;

namespace DecisionLedger.Canonicalization;

/// <summary>Decodes JSON string escapes into UTF-8, refusing lone surrogates as RFC 8785 does.</summary>
internal static class JsonStringUnescaper
{
    /// <summary>Decodes the JSON escapes of a raw string token (without quotes) into UTF-8; returns the length written.</summary>
    /// <remarks>The result is never longer than the input: every escape is at least as long as the bytes it stands for.</remarks>
    /// <exception cref="ArgumentException">An escape stands for a lone UTF-16 surrogate.</exception>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination)
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
}
