using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>Reads and validates the optional <c>requestId</c> of a decision: a bounded string without control characters, bidi controls or noncharacters.</summary>
internal static class RequestIdReader
{
    public static string? Read(JsonElement value, DecisionFieldReader fields)
    {
        var requestId = fields.OptionalString(value, "requestId", "\"0193a5c2-7d4e-7b1a-9c3f-2e8d4b6a1f00\"");
        if (requestId is null)
        {
            return null;
        }

        var max = fields.Parser.MaxRequestIdLength;
        if (requestId.Length > max)
        {
            throw new DecisionValidationException(
                "requestId",
                string.Create(CultureInfo.InvariantCulture, $"is {requestId.Length:N0} characters, over the {max:N0}-character limit"),
                "send a shorter id (a UUID is 36 characters) or omit it to have a UUIDv7 assigned");
        }

        // Ids end up in CLI output, logs and URLs; control characters there enable log forging.
        foreach (var c in requestId)
        {
            if (char.IsControl(c))
            {
                throw new DecisionValidationException(
                    "requestId",
                    string.Create(CultureInfo.InvariantCulture, $"contains the control character U+{(int)c:X4}"),
                    "send printable characters only, e.g. a UUID, or omit it to have a UUIDv7 assigned");
            }
        }

        TextRules.EnsureIdentifier(requestId, "requestId");
        return requestId;
    }
}
