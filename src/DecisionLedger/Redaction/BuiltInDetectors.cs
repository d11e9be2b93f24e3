using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace DecisionLedger.Redaction;

/// <summary>
/// The built-in detectors: a source-generated candidate pattern, a cheap pre-check on character counts
/// that skips the pattern when it cannot match, and a validator (Luhn, mod-97, octet ranges,
/// <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress)"/>) that confirms each candidate.
/// </summary>
/// <remarks>
/// Every pattern anchors its start with a negative look-behind on the characters it consumes, so a
/// candidate starts only at the start of a run and each pattern stays linear in the string's length.
/// </remarks>
internal static partial class BuiltInDetectors
{
    /// <summary>Built-in patterns are linear; the timeout only guards against a pathological engine case.</summary>
    private const int TimeoutMs = 1000;

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>Every built-in detector (IP as its two halves), in the order they are listed in policies.</summary>
    public static IReadOnlyList<RedactionDetector> AllKinds { get; } =
    [
        RedactionDetector.Email, RedactionDetector.Phone, RedactionDetector.Ssn, RedactionDetector.Card,
        RedactionDetector.Iban, RedactionDetector.IPv4, RedactionDetector.IPv6,
    ];

    public static string Name(RedactionDetector kind) => kind switch
    {
        RedactionDetector.Email => "email",
        RedactionDetector.Phone => "phone",
        RedactionDetector.Ssn => "ssn",
        RedactionDetector.Card => "card",
        RedactionDetector.Iban => "iban",
        RedactionDetector.IPv4 => "ipv4",
        RedactionDetector.IPv6 => "ipv6",
        RedactionDetector.Ip => "ip",
        _ => "regex",
    };

    public static string DefaultTag(RedactionDetector kind) => kind switch
    {
        RedactionDetector.Email => "[EMAIL]",
        RedactionDetector.Phone => "[PHONE]",
        RedactionDetector.Ssn => "[SSN]",
        RedactionDetector.Card => "[CARD]",
        RedactionDetector.Iban => "[IBAN]",
        RedactionDetector.IPv4 or RedactionDetector.IPv6 or RedactionDetector.Ip => "[IP]",
        _ => "[REDACTED]",
    };

    public static Regex Pattern(RedactionDetector kind) => kind switch
    {
        RedactionDetector.Email => Email(),
        RedactionDetector.Phone => Phone(),
        RedactionDetector.Ssn => Ssn(),
        RedactionDetector.Card => Card(),
        RedactionDetector.Iban => Iban(),
        RedactionDetector.IPv4 => IPv4(),
        RedactionDetector.IPv6 => IPv6(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a single built-in detector"),
    };

    /// <summary>Whether a string with <paramref name="stats"/> can contain a match at all: a necessary condition of each pattern (see <see cref="TextStats"/>).</summary>
    public static bool MayMatch(RedactionDetector kind, in TextStats stats) => kind switch
    {
        RedactionDetector.Email => stats.HasAt && stats.Dots >= 1,
        RedactionDetector.Phone => stats.Digits >= 8 && stats.PhoneShape,
        RedactionDetector.Ssn => stats.SsnShape,
        RedactionDetector.Card => stats.CardRun >= 13,
        RedactionDetector.Iban => stats.Digits >= 7 && stats.IbanShape,
        RedactionDetector.IPv4 => stats.Digits >= 4 && stats.Dots >= 3,
        RedactionDetector.IPv6 => stats.Colons >= 2,
        _ => true,
    };

    /// <summary>Whether the candidate is real (Luhn, mod-97, octets, address syntax); patterns alone decide the rest.</summary>
    public static bool IsValid(RedactionDetector kind, ReadOnlySpan<char> candidate) => kind switch
    {
        RedactionDetector.Card => Luhn.IsValid(candidate),
        RedactionDetector.Iban => IbanChecksum.IsValid(candidate),
        RedactionDetector.IPv4 => IsIPv4(candidate),
        RedactionDetector.IPv6 => IPAddress.TryParse(candidate, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6,
        _ => true,
    };

    /// <summary>
    /// The form hashed by <see cref="RedactionOperator.Hash"/>, so one value written two ways joins:
    /// separators removed from numbers, North American numbers given their +1, e-mail lower-cased.
    /// </summary>
    public static string Normalize(RedactionDetector kind, ReadOnlySpan<char> match)
    {
        switch (kind)
        {
            case RedactionDetector.Email:
                return match.ToString().ToLowerInvariant();
            case RedactionDetector.Card or RedactionDetector.Iban or RedactionDetector.Ssn or RedactionDetector.Phone:
                Span<char> buffer = stackalloc char[match.Length + 2];
                int n = 0;
                foreach (char c in match)
                {
                    if (char.IsAsciiLetterOrDigit(c) || c == '+')
                    {
                        buffer[n++] = char.ToUpperInvariant(c);
                    }
                }

                if (kind == RedactionDetector.Phone && n == 10 && buffer[0] != '+')
                {
                    buffer[..n].CopyTo(buffer[2..]);
                    buffer[0] = '+';
                    buffer[1] = '1';
                    n += 2;
                }

                return new string(buffer[..n]);
            case RedactionDetector.IPv6:
                return IPAddress.TryParse(match, out IPAddress? address) ? address.ToString() : match.ToString();
            default:
                return match.ToString();
        }
    }

    private static bool IsIPv4(ReadOnlySpan<char> candidate)
    {
        foreach (Range part in candidate.Split('.'))
        {
            if (!int.TryParse(candidate[part], NumberStyles.None, CultureInfo.InvariantCulture, out int octet) || octet > 255)
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![A-Za-z0-9-])", Options, TimeoutMs)]
    private static partial Regex Email();

    // E.164, or a North American number with separators: (555) 123-4567, 555-123-4567, +1 555 123 4567.
    [GeneratedRegex(@"(?<![\w+])(?:\+[1-9][0-9]{7,14}(?![0-9])|(?:\+1[ .-]?)?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .-])[0-9]{3}[ .-][0-9]{4}(?![\w-]))", Options, TimeoutMs)]
    private static partial Regex Phone();

    [GeneratedRegex(@"(?<![\w-])(?!000|666|9)[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![\w-])", Options, TimeoutMs)]
    private static partial Regex Ssn();

    [GeneratedRegex(@"(?<![\w-])[0-9](?:[ -]?[0-9]){12,18}(?![\w-])", Options, TimeoutMs)]
    private static partial Regex Card();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])", Options, TimeoutMs)]
    private static partial Regex Iban();

    [GeneratedRegex(@"(?<![\w.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?!\w|\.[0-9])", Options, TimeoutMs)]
    private static partial Regex IPv4();

    [GeneratedRegex(@"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}|(?=::))(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)(?:[0-9]{1,3}\.){3}[0-9]{1,3})?(?![\w:])", Options, TimeoutMs)]
    private static partial Regex IPv6();
}
