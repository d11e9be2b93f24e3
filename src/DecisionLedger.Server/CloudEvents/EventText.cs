using System.Text;
using System.Text.Json;
using DecisionLedger.Canonicalization;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// What an event may carry into the ledger: every attribute and body ends up in a decision's
/// canonical bytes (as its request id, model name, input, output or metadata), recorded later,
/// when the partner half arrives or the wait ends. Text the ledger cannot store is refused at
/// read time as a <see cref="CloudEventFormatException"/> naming the attribute, not left to fail
/// that later commit.
/// </summary>
internal static class EventText
{
    // System.Text.Json checks a string's UTF-8 (and its escapes) only when it decodes it, with an InvalidOperationException.
    public static string StringOf(JsonElement value, string field)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new CloudEventFormatException(field, "not valid Unicode text (invalid UTF-8, or an escaped lone surrogate)", "send the value as UTF-8 text");
        }
    }

    public static string Recordable(string field, string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new CloudEventFormatException(field, $"holds a lone UTF-16 surrogate (U+{(int)c:X4}) at character {i + 1}", "send the value as UTF-8 text (percent-encoded in a header)");
            }
            else if (c == '\0')
            {
                throw new CloudEventFormatException(field, $"holds NUL at character {i + 1}", "remove the NUL character");
            }
        }

        return value;
    }

    // Bidi controls and noncharacters could make an identifier display as another one (issue 12, §1).
    // The text is already known to be free of lone surrogates (Recordable).
    public static void RequireIdentifier(string field, string value, string why)
    {
        int position = 1;
        foreach (Rune rune in value.EnumerateRunes())
        {
            int c = rune.Value;
            bool bidi = c is (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069) or 0x200E or 0x200F or 0x061C;
            bool nonCharacter = c is >= 0xFDD0 and <= 0xFDEF || (c & 0xFFFE) == 0xFFFE;
            if (bidi || nonCharacter)
            {
                throw new CloudEventFormatException(field, $"holds {(bidi ? "a bidirectional control" : "a Unicode noncharacter")} (U+{c:X4}) at character {position}", $"send plain text; {why}");
            }

            position += rune.Utf16SequenceLength;
        }
    }

    // The event is recorded later, when its partner arrives or its wait ends: a value the ledger's
    // canonical form cannot hold (invalid UTF-8, a lone surrogate escape, a number beyond a double)
    // must be refused now, as a 400 naming it, not fail that later commit.
    public static JsonElement Recordable(string field, JsonElement value)
    {
        try
        {
            JsonCanonicalizer.Write(value, new System.Buffers.ArrayBufferWriter<byte>());
        }
        catch (ArgumentException exception)
        {
            throw new CloudEventFormatException(field, exception.Message, "send JSON text in UTF-8 with finite numbers and unique member names");
        }
        catch (InsufficientExecutionStackException)
        {
            throw new CloudEventFormatException(field, "nested too deeply", "send a flatter JSON document");
        }

        return value;
    }

    public static JsonElement? Recordable(string field, JsonElement? value) => value is { } element ? Recordable(field, element) : null;
}
