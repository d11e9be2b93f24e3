using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>Reads JSON numbers that must be finite doubles (RFC 8785 cannot represent anything else).</summary>
internal static class FiniteNumberReader
{
    public static double? Optional(JsonElement value, string path, string fix)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return Read(value, path, fix);
    }

    public static double Read(JsonElement value, string path, string fix)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw new DecisionValidationException(path, $"must be a number, got {DecisionFieldErrors.Describe(value.ValueKind)}", fix);
        }

        // TryGetDouble reports success for 1e999 and yields infinity; JSON has no infinity.
        if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw DecisionFieldErrors.NotFinite(path, fix);
        }

        return number;
    }
}
