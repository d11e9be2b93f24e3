using System.Buffers;
using System.Text.Json;
using DecisionLedger.Canonicalization;

namespace DecisionLedger.Verification;

/// <summary>
/// Decides whether bytes are their own RFC 8785 canonical form in one pass over the tokens, with no
/// document built and nothing allocated: the bytes between tokens must be exactly the separators,
/// member names strictly increasing in UTF-16 order, escapes the minimal ones, numbers as
/// <see cref="JsonCanonicalizer.WriteNumber"/> prints them. Gives the same answer as canonicalizing
/// and comparing (what <c>--strict</c> did before, at several times the cost).
/// </summary>
internal static class CanonicalFormChecker
{
    // JsonDocument's default depth, which the canonicalizer parses with: deeper text is not canonicalizable.
    private const int MaxDepth = 64;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_number;

    /// <summary>True or false when decided; null for an escaped member name, which needs the full canonicalizer to order.</summary>
    public static bool? TryCheck(ReadOnlySpan<byte> json)
    {
        // The previous member name of each open object, as (start, length) in json; length -1 before the first.
        Span<int> nameStart = stackalloc int[MaxDepth + 2];
        Span<int> nameLength = stackalloc int[MaxDepth + 2];
        int depth = 0;
        int end = 0;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            while (reader.Read())
            {
                int start = (int)reader.TokenStartIndex;

                // The parser has checked the grammar, so a gap of one ',' or ':' is the required separator;
                // anything else between tokens is whitespace the canonical form does not have.
                if (start != end && !(start == end + 1 && json[end] is (byte)',' or (byte)':'))
                {
                    return false;
                }

                ReadOnlySpan<byte> value = reader.ValueSpan;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        depth++;
                        nameLength[depth] = -1;
                        end = start + 1;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        depth--;
                        end = start + 1;
                        break;
                    case JsonTokenType.PropertyName:
                        if (reader.ValueIsEscaped)
                        {
                            return null;
                        }

                        if (nameLength[depth] >= 0 && Utf16OrderComparer.CompareUtf8(json.Slice(nameStart[depth], nameLength[depth]), value) >= 0)
                        {
                            // Out of order, or a repeated name (which the canonicalizer refuses).
                            return false;
                        }

                        nameStart[depth] = start + 1;
                        nameLength[depth] = value.Length;
                        end = start + value.Length + 2;
                        break;
                    case JsonTokenType.String:
                        if (reader.ValueIsEscaped && !EscapesAreMinimal(value))
                        {
                            return false;
                        }

                        end = start + value.Length + 2;
                        break;
                    case JsonTokenType.Number:
                        if (!CanonicalNumberFormat.IsCanonicalText(value) && !PrintsAs(ref reader, value))
                        {
                            return false;
                        }

                        end = start + value.Length;
                        break;
                    default:
                        // true, false, null: one spelling each.
                        end = start + value.Length;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return end == json.Length;
    }

    // RFC 8785 §3.2.2.2 escapes only '"', '\' and control characters, as \b \t \n \f \r or \u00xx in lowercase.
    private static bool EscapesAreMinimal(ReadOnlySpan<byte> raw)
    {
        int backslash;
        while ((backslash = raw.IndexOf((byte)'\\')) >= 0)
        {
            byte kind = raw[backslash + 1];
            if (kind is (byte)'"' or (byte)'\\' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
            {
                raw = raw[(backslash + 2)..];
                continue;
            }

            if (kind != (byte)'u')
            {
                return false;
            }

            ReadOnlySpan<byte> hex = raw.Slice(backslash + 2, 4);
            if (hex[0] != (byte)'0' || hex[1] != (byte)'0' || hex[2] is not ((byte)'0' or (byte)'1') || !IsLowerHex(hex[3]))
            {
                return false;
            }

            int unit = ((hex[2] - '0') << 4) | (hex[3] <= '9' ? hex[3] - '0' : hex[3] - 'a' + 10);
            if (unit is 0x08 or 0x09 or 0x0A or 0x0C or 0x0D)
            {
                return false;
            }

            raw = raw[(backslash + 6)..];
        }

        return true;
    }

    private static bool IsLowerHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f');

    private static bool PrintsAs(ref Utf8JsonReader reader, ReadOnlySpan<byte> text)
    {
        if (!reader.TryGetDouble(out double number) || !double.IsFinite(number))
        {
            return false;
        }

        ArrayBufferWriter<byte> buffer = t_number ??= new ArrayBufferWriter<byte>(32);
        buffer.ResetWrittenCount();
        JsonCanonicalizer.WriteNumber(number, buffer);
        return buffer.WrittenSpan.SequenceEqual(text);
    }
}
