using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Storage;

/// <summary>The JSON value on the right of a predicate: a string, a number, true, false or null.</summary>
public sealed record WhereLiteral
{
    private WhereLiteral(WhereLiteralKind kind, string json)
    {
        Kind = kind;
        Json = json;
    }

    /// <summary>No value (for <see cref="WhereOperator.Exists"/>).</summary>
    public static WhereLiteral None { get; } = new(WhereLiteralKind.None, "");

    /// <summary>JSON <c>null</c>.</summary>
    public static WhereLiteral Null { get; } = new(WhereLiteralKind.Null, "null");

    /// <summary>The JSON type.</summary>
    public WhereLiteralKind Kind { get; }

    /// <summary>The value as compact JSON (strings re-escaped), e.g. <c>"fraud"</c>, <c>0.9</c>, <c>true</c>.</summary>
    public string Json { get; }

    /// <summary>The string, for <see cref="WhereLiteralKind.String"/>.</summary>
    public string? String { get; private init; }

    /// <summary>The number, for <see cref="WhereLiteralKind.Number"/>.</summary>
    public double Number { get; private init; }

    /// <summary>The number as a 64-bit integer when it is integral and fits, so large ids compare exactly.</summary>
    public long? Integer { get; private init; }

    /// <summary>The boolean, for <see cref="WhereLiteralKind.Boolean"/>.</summary>
    public bool Boolean { get; private init; }

    /// <summary>A string value.</summary>
    /// <param name="value">The string.</param>
    public static WhereLiteral FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new WhereLiteral(WhereLiteralKind.String, JsonSerializer.Serialize(value)) { String = value };
    }

    /// <summary>A boolean value.</summary>
    /// <param name="value">The boolean.</param>
    public static WhereLiteral FromBoolean(bool value) =>
        new(WhereLiteralKind.Boolean, value ? "true" : "false") { Boolean = value };

    /// <summary>A number from its JSON text.</summary>
    /// <param name="json">A JSON number, e.g. <c>-1.5e3</c>.</param>
    /// <exception cref="FormatException"><paramref name="json"/> is not a finite JSON number.</exception>
    public static WhereLiteral FromNumber(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!double.TryParse(json, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
        {
            throw new FormatException($"\"{json}\" is not a finite number.");
        }

        long? integer = long.TryParse(json, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole) ? whole : null;
        return new WhereLiteral(WhereLiteralKind.Number, json) { Number = number, Integer = integer };
    }

    /// <inheritdoc />
    public override string ToString() => Json;
}
