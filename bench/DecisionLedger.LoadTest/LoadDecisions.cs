using System.Text.Json;
using System.Text;
using DecisionLedger.Decisions;

namespace DecisionLedger.LoadTest;

/// <summary>A pool of realistic ~1 KB fraud decisions, parsed once and reused by every producer.</summary>
internal static class LoadDecisions
{
    private static readonly string[] s_countries = ["DE", "FR", "US", "GB", "NL", "ES", "IT", "BR", "IN", "JP"];
    private static readonly string[] s_features = ["amount", "merchantCategory", "country", "cardPresent", "hourOfDay", "txnCount24h", "avgAmount30d", "accountAgeDays", "deviceTrustScore", "distanceFromHomeKm"];
    private static readonly string[] s_categories = ["grocery", "electronics", "travel", "fuel", "restaurants", "luxury", "gaming"];

    public static Decision[] CreatePool(int count, int seed)
    {
        var parser = new DecisionParser(new DecisionLimits());
        return [.. CreateJsonPool(count, seed).Select(json => parser.Parse(Encoding.UTF8.GetBytes(json)))];
    }

    /// <summary>The same decisions as <see cref="CreatePool"/> for the same seed, as JSON text.</summary>
    public static string[] CreateJsonPool(int count, int seed)
    {
        var random = new Random(seed);
        var pool = new string[count];
        for (int i = 0; i < count; i++)
        {
            pool[i] = Json(random, i);
        }

        return pool;
    }

    public static string Json(Random random, int i)
    {
        double score = Math.Round(random.NextDouble(), 6);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1400);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("model");
            w.WriteString("name", "fraud_detector");
            w.WriteString("version", "3.2.1");
            w.WriteString("pipelineVersion", "prep-7");
            w.WriteString("artifactDigest", "sha256:9f2c4e1a7b3d5f60718293a4b5c6d7e8f9012345678901234567890abcdef12");
            w.WriteStartObject("parameters");
            w.WriteNumber("threshold", 0.72);
            w.WriteNumber("trees", 300);
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartObject("input");
            w.WriteString("transactionId", $"tx-{i:D8}");
            w.WriteNumber("amount", Math.Round(random.NextDouble() * 4000, 2));
            w.WriteString("currency", "EUR");
            w.WriteString("merchantCategory", s_categories[random.Next(s_categories.Length)]);
            w.WriteString("merchantId", $"m-{random.Next(100000):D6}");
            w.WriteString("country", s_countries[random.Next(s_countries.Length)]);
            w.WriteBoolean("cardPresent", random.Next(2) == 0);
            w.WriteNumber("hourOfDay", random.Next(24));
            w.WriteNumber("txnCount24h", random.Next(40));
            w.WriteNumber("avgAmount30d", Math.Round(random.NextDouble() * 900, 2));
            w.WriteNumber("accountAgeDays", random.Next(4000));
            w.WriteNumber("deviceTrustScore", Math.Round(random.NextDouble(), 4));
            w.WriteNumber("distanceFromHomeKm", Math.Round(random.NextDouble() * 3000, 1));
            w.WriteEndObject();

            w.WriteStartObject("output");
            w.WriteString("label", score > 0.72 ? "fraud" : "legit");
            w.WriteNumber("score", score);
            w.WriteNumber("threshold", 0.72);
            w.WriteEndObject();

            w.WriteStartObject("explanation");
            w.WriteString("method", "feature-contribution");
            w.WriteNumber("baseValue", 0.083);
            w.WriteStartObject("attributions");
            foreach (string feature in s_features)
            {
                w.WriteNumber(feature, Math.Round((random.NextDouble() - 0.5) * 0.4, 6));
            }

            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartObject("actor");
            w.WriteString("userId", $"svc-payments-{random.Next(8)}");
            w.WriteString("tenant", "emea");
            w.WriteEndObject();
            w.WriteStartObject("subject");
            w.WriteString("id", $"customer-{random.Next(50000):D5}");
            w.WriteEndObject();
            w.WriteNumber("latencyMs", Math.Round(random.NextDouble() * 20, 3));
            w.WriteStartObject("metadata");
            w.WriteString("endpoint", "/predict");
            w.WriteString("ip", $"10.0.{random.Next(256)}.{random.Next(256)}");
            w.WriteString("traceparent", $"00-{random.NextInt64():x16}{random.NextInt64():x16}-{random.NextInt64():x16}-01");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
