using System.Globalization;
using System.Text;

namespace DecisionLedger.Decisions;

/// <summary>
/// The character rules every text in a decision obeys, whichever way the decision arrived (JSON bytes or
/// a <see cref="Decision"/> built in code): valid Unicode (no unpaired surrogate), no U+0000 anywhere; and,
/// for the fields that identify something (<c>requestId</c>, <c>model.name</c>, <c>subject.id</c>,
/// <c>actor.userId</c>), no bidirectional override or isolate control and no Unicode noncharacter.
/// </summary>
/// <remarks>
/// Why: canonical entries must be UTF-8 any JSON verifier accepts (an unpaired surrogate has no UTF-8 form),
/// NUL truncates text in C-based tools and databases, and identifiers end up in logs, terminals, URLs and
/// queries, where a bidi control makes one id display as another (Trojan Source, CVE-2021-42574).
/// </remarks>
internal static class TextRules
{
    /// <summary>The fix offered for text that is not valid Unicode.</summary>
    public const string ValidTextFix = "send valid Unicode text encoded as UTF-8: no U+0000, and \\ud800–\\udfff escapes only as high-low pairs";

    // Every character below this is fine in an identifier except controls; the common (ASCII) id never looks further.
    private const char FirstIdentifierProblem = '\u202A';

    /// <summary>
    /// Finds the first character of <paramref name="text"/> no decision may contain: U+0000 or an unpaired
    /// surrogate. Returns <see langword="null"/> when there is none, else the problem in words.
    /// </summary>
    public static string? FindInvalid(ReadOnlySpan<char> text)
    {
        // Vectorized scans first: almost every text has neither NUL nor any surrogate at all.
        var suspect = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        var nul = text.IndexOf('\0');
        if (suspect < 0)
        {
            return nul < 0 ? null : Nul(nul);
        }

        for (var i = suspect; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return Nul(i);
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"contains an unpaired surrogate U+{(int)c:X4} at character {i}");
            }
        }

        return null;
    }

    /// <summary>Throws when <paramref name="text"/> holds U+0000 or an unpaired surrogate.</summary>
    /// <exception cref="DecisionValidationException">The text is not valid; the message names <paramref name="path"/>.</exception>
    public static void EnsureValid(string text, string path)
    {
        if (FindInvalid(text) is { } problem)
        {
            throw new DecisionValidationException(path, problem, ValidTextFix);
        }
    }

    /// <summary>
    /// Throws when an identifier holds a bidirectional override or isolate control (U+202A–U+202E,
    /// U+2066–U+2069) or a noncharacter (U+FDD0–U+FDEF, or U+xFFFE/U+xFFFF in any plane).
    /// </summary>
    /// <exception cref="DecisionValidationException">The identifier holds such a character; the message names <paramref name="path"/> and the code point.</exception>
    public static void EnsureIdentifier(string text, string path)
    {
        if (text.AsSpan().IndexOfAnyExceptInRange('\0', (char)(FirstIdentifierProblem - 1)) < 0)
        {
            return;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            string? what = IsBidiControl(value) ? "bidirectional control character" : IsNoncharacter(value) ? "Unicode noncharacter" : null;
            if (what is not null)
            {
                throw new DecisionValidationException(
                    path,
                    string.Create(CultureInfo.InvariantCulture, $"contains the {what} U+{value:X4}"),
                    "send an identifier of visible characters only (bidi controls and noncharacters make one id display as another)");
            }
        }
    }

    /// <summary>U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates).</summary>
    public static bool IsBidiControl(int codePoint) => codePoint is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069;

    /// <summary>U+FDD0–U+FDEF, and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE …).</summary>
    public static bool IsNoncharacter(int codePoint) => codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;

    /// <summary>
    /// A name or value as an error message may show it: control, bidi, noncharacter and unpaired
    /// surrogate characters as <c>\uXXXX</c>, so a message cannot itself carry what it complains about.
    /// </summary>
    public static string Printable(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c) || IsBidiControl(c) || IsNoncharacter(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Nul(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"contains U+0000 (NUL) at character {index}");
}
