using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Reporting;

/// <summary>Turns report values into words for the person a report is about: outcomes, factors, times.</summary>
internal static class ReportFormatting
{
    // Output members that name the decision itself; the first present becomes the headline.
    private static readonly string[] HeadlineMembers = ["label", "decision", "outcome", "prediction", "class", "result"];

    /// <summary>"2026-11-03 at 14:05:09 UTC".</summary>
    public static string When(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd 'at' HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 UTC with microseconds, as entries store timestamps.</summary>
    public static string Rfc3339(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>"+0.42" or "-0.05": the sign always shown, at most four decimals.</summary>
    public static string Signed(double value) => value.ToString("+0.####;-0.####;0", CultureInfo.InvariantCulture);

    /// <summary>"amount (+0.42), merchant (-0.05)", or "none recorded".</summary>
    public static string Factors(IReadOnlyList<ReportedFactor> factors) =>
        factors.Count == 0 ? "none recorded" : string.Join(", ", factors.Select(f => $"{f.Feature} ({Signed(f.Attribution)})"));

    /// <summary>
    /// The outcome in words: <c>{"label":"fraud","score":0.91}</c> reads "fraud (score 0.91)", an
    /// error output reads "an error: … (status 503)", any other object lists its members, and a
    /// non-object output is its compact JSON.
    /// </summary>
    public static string Outcome(string outputJson)
    {
        using JsonDocument document = JsonDocument.Parse(outputJson);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return outputJson;
        }

        string? headline = null;
        string? headlineMember = null;
        if (root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.String)
        {
            headline = "an error: " + error.GetString();
            headlineMember = "error";
        }
        else
        {
            foreach (string member in HeadlineMembers)
            {
                if (root.TryGetProperty(member, out JsonElement value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    headline = Value(value);
                    headlineMember = member;
                    break;
                }
            }
        }

        var rest = new StringBuilder();
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, headlineMember, StringComparison.Ordinal))
            {
                continue;
            }

            if (rest.Length > 0)
            {
                rest.Append(", ");
            }

            rest.Append(property.Name).Append(' ').Append(Value(property.Value));
        }

        return (headline, rest.Length) switch
        {
            (null, 0) => outputJson,
            (null, _) => rest.ToString(),
            (_, 0) => headline,
            _ => $"{headline} ({rest})",
        };
    }

    private static string Value(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
