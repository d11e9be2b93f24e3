using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Dashboard.Tests;

/// <summary>
/// Realistic fraud-model decisions for the dashboard: two model versions (a change point at 60 %), a week
/// of timestamps, explanations with six attributions, latencies, users, and a customer e-mail the ledger's
/// redaction policy hashes. Deterministic (fixed seed), so screenshots are reproducible.
/// </summary>
internal static class DashboardDecisions
{
    public const string Model = "fraud_detector";
    public const string OldVersion = "2.4.0";
    public const string NewVersion = "2.5.0";

    public static readonly DateTimeOffset Start = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The request id of the decision whose user id and metadata are markup, to prove the pages escape ledger data.</summary>
    public const string HostileRequestId = "req-00003";

    /// <summary>The markup stored as that decision's user id.</summary>
    public const string HostileUser = "<img src=x onerror=\"window.__xss=1\">";

    /// <summary>A redaction policy: the customer e-mail is hashed, every detector is on.</summary>
    public const string RedactionPolicy = """{"default":{"detectors":"all","rules":[{"name":"customer-email","select":"$.input.customer.email","operator":"hash"}]}}""";

    private static readonly string[] Users = ["analyst_jane", "analyst_omar", "svc-checkout", "svc-checkout", "svc-payments"];
    private static readonly string[] Countries = ["DE", "FR", "US", "BR", "NG", "JP"];
    private static readonly string[] Categories = ["grocery", "electronics", "travel", "jewelry", "fuel"];

    /// <summary>The decisions as JSON, oldest first.</summary>
    public static IEnumerable<byte[]> Create(int count, int seed = 1842)
    {
#pragma warning disable CA5394 // Deterministic test data, not security.
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            DateTimeOffset timestamp = Start.AddMinutes(i * 7 * 24 * 60.0 / count).AddSeconds(random.Next(0, 50));
            string version = i < count * 6 / 10 ? OldVersion : NewVersion;
            double amount = Math.Round(Math.Exp(1.5 + (random.NextDouble() * 7)), 2);
            string country = Countries[random.Next(Countries.Length)];
            string category = Categories[random.Next(Categories.Length)];
            int txCount = random.Next(0, 20);
            double deviceTrust = Math.Round(random.NextDouble(), 3);
            var attributions = new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["amount"] = Math.Round(0.22 * Math.Tanh((Math.Log(amount) - 4) / 2), 4),
                ["merchantCountry"] = country is "NG" or "BR" ? 0.11 : -0.02,
                ["merchantCategory"] = category is "electronics" or "jewelry" ? 0.07 : -0.03,
                ["txCountLast24h"] = Math.Round((txCount - 5) * 0.012, 4),
                ["deviceTrustScore"] = Math.Round(-0.15 * (deviceTrust - 0.5), 4),
                ["hourOfDay"] = Math.Round(timestamp.Hour is < 6 ? 0.04 : -0.01, 4),
            };
            const double baseValue = 0.2;
            double score = Math.Clamp(Math.Round(baseValue + attributions.Values.Sum() + (version == NewVersion ? 0.03 : 0), 4), 0, 1);
            string label = score >= 0.4 ? "fraud" : score >= 0.3 ? "review" : "legit";
            string user = Users[random.Next(Users.Length)];
            bool hostile = i == 3;
            double latency = Math.Round(8 + (random.NextDouble() * 20) + (random.NextDouble() < 0.05 ? 120 : 0), 2);

            yield return Write(json =>
            {
                json.WriteStartObject();
                json.WriteString("requestId", string.Create(CultureInfo.InvariantCulture, $"req-{i:D5}"));
                json.WriteString("timestamp", timestamp);
                json.WriteStartObject("model");
                json.WriteString("name", Model);
                json.WriteString("version", version);
                json.WriteString("pipelineVersion", version == OldVersion ? "prep-6" : "prep-7");
                json.WriteEndObject();
                json.WriteStartObject("input");
                json.WriteNumber("amount", amount);
                json.WriteString("merchantCountry", country);
                json.WriteString("merchantCategory", category);
                json.WriteNumber("txCountLast24h", txCount);
                json.WriteNumber("deviceTrustScore", deviceTrust);
                json.WriteNumber("hourOfDay", timestamp.Hour);
                json.WriteStartObject("customer");
                json.WriteString("email", string.Create(CultureInfo.InvariantCulture, $"customer{i % 97}@example.com"));
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartObject("output");
                json.WriteString("label", label);
                json.WriteNumber("score", score);
                json.WriteEndObject();
                json.WriteStartObject("explanation");
                json.WriteString("method", "shap");
                json.WriteNumber("baseValue", baseValue);
                json.WriteStartObject("attributions");
                foreach ((string feature, double value) in attributions)
                {
                    json.WriteNumber(feature, value);
                }

                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartObject("actor");
                json.WriteString("userId", hostile ? HostileUser : user);
                json.WriteString("tenant", "emea");
                json.WriteEndObject();
                json.WriteStartObject("subject");
                json.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"customer-{i % 97:D4}"));
                json.WriteEndObject();
                json.WriteNumber("latencyMs", latency);
                json.WriteStartObject("metadata");
                json.WriteString("endpoint", "/predict");
                if (hostile)
                {
                    json.WriteString("note", "<script>window.__xss=2</script>");
                }

                json.WriteEndObject();
                json.WriteEndObject();
            });
        }
#pragma warning restore CA5394
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
