using System.Globalization;

namespace DecisionLedger.Verification;

/// <summary>A value of a derived column: text, an integer, or SQL NULL (both null).</summary>
/// <param name="Text">The text value, or null.</param>
/// <param name="Number">The integer value, or null.</param>
public readonly record struct DerivedValue(string? Text, long? Number)
{
    /// <summary>SQL NULL.</summary>
    public static DerivedValue Null => default;

    /// <summary>A text value, or NULL when <paramref name="text"/> is null.</summary>
    public static DerivedValue Of(string? text) => new(text, null);

    /// <summary>An integer value, or NULL when <paramref name="number"/> is null.</summary>
    public static DerivedValue Of(long? number) => new(null, number);

    /// <summary>The value as a finding shows it: quoted text, the number, or NULL.</summary>
    public override string ToString() =>
        Text is not null ? $"'{Text}'" : Number is { } number ? number.ToString(CultureInfo.InvariantCulture) : "NULL";
}
