using System.Text.RegularExpressions;
using PhoneNumbers;

namespace DecisionLedger.Redaction;

/// <summary>
/// Finds phone numbers written in international form (<c>+44 20 7946 0958</c>, <c>+49 30 9018200</c>,
/// <c>+33 (0)1 42 68 53 00</c>) with Google's libphonenumber, which knows every region's numbering plan. A cheap
/// candidate pattern (a <c>+</c>, a non-zero digit, then digits with the usual separators) picks the spans; only
/// those are handed to <see cref="PhoneNumberUtil.FindNumbers(string, string, PhoneNumberUtil.Leniency, long)"/>
/// with <see cref="PhoneNumberUtil.Leniency.VALID"/>: the number must be valid for the region its country code
/// names (right length, assigned prefix), which is what keeps order numbers, SKUs, amounts, versions and
/// timestamps out.
/// </summary>
/// <remarks>
/// Only the international form is detected this way: a national number (<c>030 9018200</c>) names no region, and
/// guessing one would turn every digit group into a candidate. North American forms without <c>+</c> stay with
/// the built-in pattern. Thread-safe: <see cref="PhoneNumberUtil"/> is immutable once loaded.
/// </remarks>
internal static partial class InternationalPhoneNumbers
{
    // "ZZ": no default region, so only numbers that carry their country code (the leading '+') are found.
    private const string NoRegion = "ZZ";
    private const int MaxTries = 8;

    private static readonly Lazy<PhoneNumberUtil> s_util = new(PhoneNumberUtil.GetInstance);

    /// <summary>Calls <paramref name="found"/> with the start and length of each valid international number in <paramref name="text"/>.</summary>
    /// <exception cref="RegexMatchTimeoutException">The candidate pattern timed out (it is linear; this needs a pathological input).</exception>
    public static void Find<TState>(string text, TState state, Action<TState, int, int> found)
    {
        foreach (ValueMatch candidate in Candidate().EnumerateMatches(text))
        {
            string span = text.Substring(candidate.Index, candidate.Length);
            foreach (PhoneNumberMatch match in s_util.Value.FindNumbers(span, NoRegion, PhoneNumberUtil.Leniency.VALID, MaxTries))
            {
                found(state, candidate.Index + match.Start, match.Length);
            }
        }
    }

    // A '+' not glued to a word or another '+', a non-zero digit, then digits and the separators people write
    // (space, dot, dash, slash, brackets). One character class under one quantifier: linear, nothing to
    // backtrack into; libphonenumber then finds the number(s) inside the span, if any.
    [GeneratedRegex(@"(?<![\w+])\+[1-9][0-9 ./()\-]{6,30}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Candidate();
}
