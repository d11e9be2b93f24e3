using System.Globalization;
using System.Text;
using DecisionLedger.Records;

namespace DecisionLedger.LoadTest;

/// <summary>A pool of realistic ~1 KB fraud decisions, parsed once and reused by every producer.</summary>
internal static class LoadDecisions
{
    private static readonly string[] s_countries = ["DE", "FR", "US", "GB", "NL", "ES", "IT", "BR", "IN", "JP"];
    private static readonly string[] s_categories = ["grocery", "electronics", "travel", "fuel", "restaurants", "luxury", "gaming"];

    public static Decision[] CreatePool(int count, int seed)
    {
        var random = new Random(seed);
        var parser = new DecisionParser(new DecisionLimits());
        var pool = new Decision[count];
        for (int i = 0; i < count; i++)
        {
            pool[i] = parser.Parse(Encoding.UTF8.GetBytes(Json(random, i)));
        }

        return pool;
    }

    public static string Json(Random random, int i)
    {
        double amount = Math.Round(random.NextDouble() * 4000, 2);
        double score = Math.Round(random.NextDouble(), 6);
        string country = s_countries[random.Next(s_countries.Length)];
        string category = s_categories[random.Next(s_categories.Length)];
        var sb = new StringBuilder(1100);
        sb.Append(CultureInfo.InvariantCulture, $$"""
            {"model":{"name":"fraud_detector","version":"3.2.1","pipelineVersion":"prep-7","artifactDigest":"sha256:9f2c4e1a7b3d5f60718293a4b5c6d7e8f9012345678901234567890abcdef12","parameters":{"threshold":0.72,"trees":300}},
            "input":{"transactionId":"tx-{{i:D8}}","amount":{{amount}},"currency":"EUR","merchantCategory":"{{category}}","merchantId":"m-{{random.Next(100000):D6}}","country":"{{country}}","cardPresent":{{(random.Next(2) == 0 ? "true" : "false")}},"hourOfDay":{{random.Next(24)}},"txnCount24h":{{random.Next(40)}},"avgAmount30d":{{Math.Round(random.NextDouble() * 900, 2)}},"accountAgeDays":{{random.Next(4000)}},"deviceTrustScore":{{Math.Round(random.NextDouble(), 4)}},"distanceFromHomeKm":{{Math.Round(random.NextDouble() * 3000, 1)}}},
            "output":{"label":"{{(score > 0.72 ? "fraud" : "legit")}}","score":{{score}},"threshold":0.72},
            "explanation":{"method":"feature-contribution","baseValue":0.083,"attributions":{"amount":{{R(random)}},"merchantCategory":{{R(random)}},"country":{{R(random)}},"cardPresent":{{R(random)}},"hourOfDay":{{R(random)}},"txnCount24h":{{R(random)}},"avgAmount30d":{{R(random)}},"accountAgeDays":{{R(random)}},"deviceTrustScore":{{R(random)}},"distanceFromHomeKm":{{R(random)}}}},
            "actor":{"userId":"svc-payments-{{random.Next(8)}}","tenant":"emea"},
            "subject":{"id":"customer-{{random.Next(50000):D5}}"},
            "latencyMs":{{Math.Round(random.NextDouble() * 20, 3)}},
            "metadata":{"endpoint":"/predict","ip":"10.0.{{random.Next(256)}}.{{random.Next(256)}}","traceparent":"00-{{random.NextInt64():x16}}{{random.NextInt64():x16}}-{{random.NextInt64():x16}}-01"}}
            """);
        return sb.ToString();
    }

    private static string R(Random random) => Math.Round((random.NextDouble() - 0.5) * 0.4, 6).ToString(CultureInfo.InvariantCulture);
}
