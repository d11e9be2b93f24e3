using System.Globalization;

namespace DecisionLedger.Drift;

/// <summary>Parses a drift window length: a whole number and a unit, <c>m</c>, <c>h</c> or <c>d</c> (<c>15m</c>, <c>1h</c>, <c>1d</c>).</summary>
public static class DriftWindowLength
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">Such as <c>1h</c>.</param>
    /// <param name="field">The option or key named in the error.</param>
    /// <returns>The length, at least a minute and at most 31 days.</returns>
    /// <exception cref="FormatException">The text is not a count and a unit, or out of range.</exception>
    public static TimeSpan Parse(string text, string field = "window")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length >= 2
            && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count > 0)
        {
            TimeSpan? length = text[^1] switch
            {
                'm' => TimeSpan.FromMinutes(count),
                'h' => TimeSpan.FromHours(count),
                'd' => TimeSpan.FromDays(count),
                _ => null,
            };
            if (length is { } l && l <= TimeSpan.FromDays(31))
            {
                return l;
            }
        }

        throw new FormatException($"{field}: '{text}' is not a window length; use a whole number and m, h or d, from 1m to 31d, e.g. 1h or 1d.");
    }

    /// <summary>Formats a length the way <see cref="Parse"/> reads it, in the largest whole unit.</summary>
    /// <param name="length">A positive length in whole minutes.</param>
    public static string Format(TimeSpan length) =>
        length.Ticks % TimeSpan.TicksPerDay == 0 ? $"{length.Ticks / TimeSpan.TicksPerDay}d"
        : length.Ticks % TimeSpan.TicksPerHour == 0 ? $"{length.Ticks / TimeSpan.TicksPerHour}h"
        : $"{length.Ticks / TimeSpan.TicksPerMinute}m";
}
