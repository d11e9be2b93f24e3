using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Endpoints;

/// <summary>Reads query string values; a bad one throws <see cref="FormatException"/> naming the parameter.</summary>
internal static class QueryValues
{
    public static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    public static long? Long(IQueryCollection query, string name)
    {
        string? text = Text(query, name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new FormatException($"{name}: '{text}' is not an integer; pass a whole number.");
    }

    public static int? Int(IQueryCollection query, string name)
    {
        long? value = Long(query, name);
        return value is null ? null : value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new FormatException($"{name}: {value} is out of range.");
    }

    public static long RequiredLong(IQueryCollection query, string name) =>
        Long(query, name) ?? throw new FormatException($"{name}: required; pass ?{name}=N.");

    public static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        string? text = Text(query, name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
            ? value
            : throw new FormatException($"{name}: '{text}' is not a time; use RFC 3339, e.g. 2026-11-23T12:00:00Z.");
    }
}
