using System.Globalization;

namespace DecisionLedger.Decisions;

/// <summary>
/// Reads and writes decision timestamps: RFC 3339 <c>date-time</c> with a mandatory offset
/// (<c>Z</c> or <c>±hh:mm</c>), normalized to UTC with microsecond precision.
/// </summary>
/// <remarks>
/// Hand-written rather than <see cref="DateTimeOffset.TryParseExact(string, string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>
/// because the wire format allows any number of fraction digits and must refuse a missing offset,
/// which format strings cannot both express. Fraction digits beyond the sixth are truncated, not
/// rounded: the ledger stores microseconds (DESIGN.md) and truncation never moves a decision into
/// the next microsecond, second or day.
/// </remarks>
internal static class Rfc3339
{
    /// <summary>The shape callers are told to send.</summary>
    public const string Example = "2026-11-23T12:00:00.123456Z";

    private const int MaxLength = 64;

    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset utc, out string problem)
    {
        utc = default;
        problem = "not an RFC 3339 date-time";
        if (text.Length is < 19 or > MaxLength
            || text[4] != '-' || text[7] != '-' || text[10] is not ('T' or 't')
            || text[13] != ':' || text[16] != ':'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month)
            || !TryDigits(text.Slice(8, 2), out var day) || !TryDigits(text.Slice(11, 2), out var hour)
            || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second))
        {
            return false;
        }

        var rest = text[19..];
        long ticks = 0;
        if (!rest.IsEmpty && rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            var fraction = rest[1..digits];
            if (fraction.IsEmpty)
            {
                return false;
            }

            var micros = 0;
            for (var i = 0; i < 6; i++)
            {
                micros = (micros * 10) + (i < fraction.Length ? fraction[i] - '0' : 0);
            }

            ticks = micros * (TimeSpan.TicksPerMillisecond / 1000);
            rest = rest[digits..];
        }

        TimeSpan offset;
        if (rest is ['Z'] or ['z'])
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':'
            && TryDigits(rest.Slice(1, 2), out var offsetHours) && TryDigits(rest.Slice(4, 2), out var offsetMinutes))
        {
            if (offsetHours > 23 || offsetMinutes > 59)
            {
                problem = "offset out of range";
                return false;
            }

            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (rest[0] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            problem = rest.IsEmpty ? "no UTC offset" : "not an RFC 3339 date-time (bad fraction or offset)";
            return false;
        }

        if (month is < 1 or > 12 || year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            // second 60 (a leap second) is valid RFC 3339 but has no DateTimeOffset representation.
            problem = "date or time out of range";
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            problem = "date or time out of range";
            return false;
        }

        utc = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    /// <summary>Writes <paramref name="value"/> in UTC with exactly six fraction digits, e.g. <c>2026-11-23T12:00:00.123456Z</c>.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", CultureInfo.InvariantCulture);

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
