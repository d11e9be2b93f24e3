using System.Runtime.InteropServices;
using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>Reads and validates the optional <c>timestamp</c> of a decision: RFC 3339 with an offset, converted to UTC.</summary>
internal static class TimestampReader
{
    public static DateTimeOffset? Read(JsonElement value)
    {
        const string Fix = "send an RFC 3339 date-time with an offset, e.g. \"" + Rfc3339.Example + "\", or omit it to use the recorder's clock";
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new DecisionValidationException("timestamp", $"must be a string, got {DecisionFieldErrors.Describe(value.ValueKind)}", Fix);
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        string text;
        if (raw.Length <= 66 && !raw.Contains((byte)'\\'))
        {
            // The common case: plain ASCII without escapes, widened without allocating a string.
            Span<char> chars = stackalloc char[raw.Length - 2];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)raw[i + 1];
            }

            if (Rfc3339.TryParse(chars, out var utc, out var problem))
            {
                return utc;
            }

            text = problem;
        }
        else
        {
            string s;
            try
            {
                s = value.GetString()!;
            }
            catch (InvalidOperationException)
            {
                throw new DecisionValidationException("timestamp", "string contains an unpaired UTF-16 surrogate escape", Fix);
            }

            if (Rfc3339.TryParse(s, out var utc, out var problem))
            {
                return utc;
            }

            text = problem;
        }

        throw new DecisionValidationException("timestamp", text, Fix);
    }
}
