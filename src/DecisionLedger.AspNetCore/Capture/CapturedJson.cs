using System.Text.Json;
using System.Text.Json.Nodes;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>The small JSON values capture builds: outputs, error outputs and wrappers for non-object JSON.</summary>
internal static class CapturedJson
{
    // An immutable, owned document: safe to share between decisions.
    private static readonly JsonElement s_emptyObject = JsonElement.Parse("{}"u8);

    /// <summary>The endpoint's return value as the decision output: an object as is, anything else wrapped as <c>{"value": …}</c>, null as <c>{}</c>.</summary>
    public static JsonElement SerializeOutput(object? value, JsonSerializerOptions json)
    {
        if (value is null)
        {
            return EmptyObject();
        }

        JsonElement element = JsonSerializer.SerializeToElement(value, json.GetTypeInfo(value.GetType()));
        return element.ValueKind == JsonValueKind.Object ? element : Wrap("value", element);
    }

    /// <summary>The output recorded for a failed request: <c>{"error": …, "status": …}</c>.</summary>
    public static JsonElement ErrorOutput(string error, int status) => ToElement(new JsonObject { ["error"] = error, ["status"] = status });

    /// <summary>A shared, owned <c>{}</c>.</summary>
    public static JsonElement EmptyObject() => s_emptyObject;

    /// <summary><paramref name="value"/> as the only member <paramref name="name"/> of a new object.</summary>
    public static JsonElement Wrap(string name, JsonElement value) => ToElement(new JsonObject { [name] = JsonNode.Parse(value.GetRawText()) });

    /// <summary>A node tree as an element that owns its memory.</summary>
    public static JsonElement ToElement(JsonObject node) => JsonSerializer.SerializeToElement(node, JsonObjectContext.Default.JsonObject);
}
