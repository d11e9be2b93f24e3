using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>The exceptions and wording shared by the decision readers: required, unknown, wrong kind, not finite.</summary>
internal static class DecisionFieldErrors
{
    public static void RequireObject(JsonElement value, string path, string fix)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new DecisionValidationException(path, $"must be a JSON object, got {Describe(value.ValueKind)}", fix);
        }
    }

    public static DecisionValidationException Required(string path, string fix) => new(path, "required", fix);

    public static DecisionValidationException NotFinite(string path, string fix) =>
        new(path, "number is out of range for a 64-bit float (JSON numbers must be finite)", fix);

    public static DecisionValidationException Unknown(string parentPath, JsonProperty property, string allowed) =>
        new(JsonPaths.Member(parentPath, property), "unknown field", $"remove it (allowed: {allowed})");

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
