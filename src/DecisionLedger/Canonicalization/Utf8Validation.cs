using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace DecisionLedger.Canonicalization;

/// <summary>
/// Refuses text that is not UTF-8. System.Text.Json checks the UTF-8 of a string or member name only
/// when it decodes it, and the canonicalizer copies undecoded bytes straight through, so without this
/// check invalid bytes would reach the canonical form, which RFC 8785 defines as UTF-8 only.
/// </summary>
internal static class Utf8Validation
{
    /// <summary>Throws when <paramref name="utf8"/> (the decoded content of a string or name) is not valid UTF-8.</summary>
    /// <param name="utf8">The bytes to check.</param>
    /// <param name="what">What holds them, for the message: <c>string</c> or <c>member name</c>.</param>
    /// <exception cref="ArgumentException">The bytes are not valid UTF-8; the message gives the offset and the byte.</exception>
    public static void ThrowIfInvalid(ReadOnlySpan<byte> utf8, string what)
    {
        if (Utf8.IsValid(utf8))
        {
            return;
        }

        int offset = 0;
        while (Rune.DecodeFromUtf8(utf8[offset..], out _, out int consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        throw new ArgumentException(
            $"A JSON {what} is not valid UTF-8 (byte 0x{utf8[offset]:X2} at offset {offset} of the {what}); RFC 8785 accepts only Unicode text. Send the text encoded as UTF-8.",
            "element");
    }
}
