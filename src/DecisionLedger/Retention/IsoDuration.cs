using System.Globalization;
using System.Text.RegularExpressions;

namespace DecisionLedger.Retention;

/// <summary>
/// An ISO 8601 duration such as <c>P6M</c>, <c>P90D</c> or <c>P1Y6M</c>, applied in calendar terms
/// (a month back from 31 March is the last day of February), as retention rules are written.
/// </summary>
public sealed partial record IsoDuration
{
    private static readonly DateTimeOffset s_reference = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private IsoDuration(string text, int years, int months, int days, TimeSpan time)
    {
        Text = text;
        Years = years;
        Months = months;
        Days = days;
        Time = time;
    }

    /// <summary>The duration as written, e.g. <c>P6M</c>.</summary>
    public string Text { get; }

    /// <summary>Whole years.</summary>
    public int Years { get; }

    /// <summary>Whole months.</summary>
    public int Months { get; }

    /// <summary>Whole days (weeks count as seven).</summary>
    public int Days { get; }

    /// <summary>The time part (hours, minutes, seconds).</summary>
    public TimeSpan Time { get; }

    /// <summary>Parses an ISO 8601 duration <c>PnYnMnWnDTnHnMnS</c> (each part optional, at least one present).</summary>
    /// <param name="text">The text.</param>
    /// <param name="field">The field it came from, for the error message, e.g. <c>retention.default.keep</c>.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="RetentionPolicyException">The text is not such a duration.</exception>
    public static IsoDuration Parse(string? text, string field)
    {
        Match match = text is null ? Match.Empty : Pattern().Match(text);
        if (!match.Success || text!.Length <= 1 || text.EndsWith('T'))
        {
            throw new RetentionPolicyException(field, $"'{text}' is not an ISO 8601 duration; write e.g. P6M (six months), P90D, P1Y or P6Y.");
        }

        int Part(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        var time = new TimeSpan(Part("h"), Part("min"), Part("s"));
        return new IsoDuration(text, Part("y"), Part("mon"), (Part("w") * 7) + Part("d"), time);
    }

    /// <summary>The instant this duration before <paramref name="instant"/>.</summary>
    /// <param name="instant">The instant, usually now.</param>
    /// <returns><paramref name="instant"/> minus the duration, in calendar terms.</returns>
    public DateTimeOffset Before(DateTimeOffset instant) =>
        instant.AddYears(-Years).AddMonths(-Months).AddDays(-Days).Subtract(Time);

    /// <summary>Whether this duration is shorter than <paramref name="other"/> (compared from a fixed reference date).</summary>
    /// <param name="other">The other duration.</param>
    /// <returns>True when shorter.</returns>
    public bool IsShorterThan(IsoDuration other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Before(s_reference) > other.Before(s_reference);
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    [GeneratedRegex(@"^P(?:(?<y>\d{1,4})Y)?(?:(?<mon>\d{1,5})M)?(?:(?<w>\d{1,5})W)?(?:(?<d>\d{1,6})D)?(?:T(?:(?<h>\d{1,6})H)?(?:(?<min>\d{1,6})M)?(?:(?<s>\d{1,8})S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
