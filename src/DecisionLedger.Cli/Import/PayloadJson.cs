using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace DecisionLedger.Cli.Import;

/// <summary>
/// Turns a captured payload into the JSON object a decision's <c>input</c> or <c>output</c> must be: a JSON
/// object is kept as it is; anything else is wrapped so nothing is lost or altered:
/// <c>{"contentType","json":…}</c> for other JSON values, <c>{"contentType","text":"…"}</c> for text (CSV
/// included), <c>{"contentType","base64":"…"}</c> for bytes that are not UTF-8.
/// </summary>
internal static class PayloadJson
{
    /// <summary>The payload of raw <paramref name="data"/>; text unless the bytes are not UTF-8.</summary>
    public static JsonObject FromBytes(byte[] data, string? contentType)
    {
        return Utf8.IsValid(data)
            ? FromText(Encoding.UTF8.GetString(data), contentType)
            : Wrap(contentType, "base64", JsonValue.Create(Convert.ToBase64String(data)));
    }

    /// <summary>The payload of <paramref name="text"/>: CSV stays text; other text is parsed as JSON when it is JSON.</summary>
    public static JsonObject FromText(string text, string? contentType)
    {
        if (!IsCsv(contentType) && TryParse(text, out JsonNode? node))
        {
            return node is JsonObject json ? json : Wrap(contentType, "json", node);
        }

        return Wrap(contentType, "text", JsonValue.Create(text));
    }

    /// <summary>Parses <paramref name="text"/> as JSON; the payload of declared JSON.</summary>
    /// <exception cref="ImportFieldException">The text is not JSON; <paramref name="field"/> names where it came from.</exception>
    public static JsonObject FromJsonText(string text, string? contentType, string field)
    {
        if (!TryParse(text, out JsonNode? node, out string? problem))
        {
            throw new ImportFieldException(field, $"declared JSON but not valid JSON ({problem})");
        }

        return node is JsonObject json ? json : Wrap(contentType, "json", node);
    }

    /// <summary>Whether the media type is CSV (<c>text/csv</c>, with or without parameters).</summary>
    public static bool IsCsv(string? contentType) => contentType is not null && contentType.Contains("csv", StringComparison.OrdinalIgnoreCase);

    private static bool TryParse(string text, out JsonNode? node) => TryParse(text, out node, out _);

    private static bool TryParse(string text, out JsonNode? node, out string? problem)
    {
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
            problem = null;
            return true;
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or InvalidOperationException)
        {
            node = null;
            problem = exception.Message;
            return false;
        }
    }

    private static JsonObject Wrap(string? contentType, string member, JsonNode? value)
    {
        var wrapped = new JsonObject();
        if (!string.IsNullOrEmpty(contentType))
        {
            wrapped["contentType"] = contentType;
        }

        wrapped[member] = value;
        return wrapped;
    }
}
