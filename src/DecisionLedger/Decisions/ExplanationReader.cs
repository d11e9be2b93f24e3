using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>Reads and validates the optional <c>explanation</c> object of a decision, its attributions included.</summary>
internal static class ExplanationReader
{
    private const string ExplanationFields = "method, baseValue, attributions";

    public static Explanation? Read(JsonElement value, DecisionFieldReader fields)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        DecisionFieldErrors.RequireObject(value, "explanation", "send {\"method\": …, \"baseValue\": …, \"attributions\": {…}} or omit it");
        string? method = null;
        double? baseValue = null;
        Dictionary<string, double>? attributions = null;
        foreach (var property in value.EnumerateObject())
        {
            var field = property.Value;
            if (property.NameEquals("method"u8))
            {
                method = fields.OptionalString(field, "explanation.method", "\"feature-contribution\"");
            }
            else if (property.NameEquals("baseValue"u8))
            {
                baseValue = FiniteNumberReader.Optional(field, "explanation.baseValue", "send a finite JSON number such as 0.1, or omit it");
            }
            else if (property.NameEquals("attributions"u8))
            {
                attributions = ReadAttributions(field, fields);
            }
            else
            {
                throw DecisionFieldErrors.Unknown("explanation", property, ExplanationFields);
            }
        }

        return new Explanation { Method = method, BaseValue = baseValue, Attributions = attributions };
    }

    private static Dictionary<string, double>? ReadAttributions(JsonElement value, DecisionFieldReader fields)
    {
        const string Path = "explanation.attributions";
        const string NumberFix = "send each feature's contribution as a finite number, e.g. {\"amount\": 0.42}";
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        DecisionFieldErrors.RequireObject(value, Path, NumberFix);
        var count = value.GetPropertyCount();
        var max = fields.Parser.MaxAttributions;
        if (count > max)
        {
            throw new DecisionValidationException(
                Path,
                string.Create(CultureInfo.InvariantCulture, $"has {count:N0} entries, over the {max:N0}-entry limit"),
                "send only the most influential features or raise DecisionLimits.MaxAttributions");
        }

        var attributions = new Dictionary<string, double>(count, StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            fields.CheckName(property, Path);
            var name = property.Name;
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new DecisionValidationException(JsonPaths.Child(Path, name), "feature name is empty or blank", "name every feature");
            }

            // The path string is built only for a bad value: this runs for every feature of every decision.
            var contribution = property.Value;
            attributions[name] = contribution.ValueKind == JsonValueKind.Number && contribution.TryGetDouble(out var number) && double.IsFinite(number)
                ? number
                : FiniteNumberReader.Read(contribution, JsonPaths.Child(Path, name), NumberFix);
        }

        return attributions;
    }
}
