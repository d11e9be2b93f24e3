using System.Buffers;
using System.Text.Json;

namespace DecisionLedger.Dashboard.Tests;

/// <summary>
/// Decisions shaped as samples/FraudDetection records them: a FastTree model whose explanation is ML.NET's
/// FeatureContributionCalculator output (method <c>feature-contribution</c>, contributions to the raw score,
/// no base value) and whose output is <c>{fraud, probability, score}</c>. One decision a day on three days,
/// so every day bucket of its usage chart holds exactly one decision.
/// </summary>
internal static class MlNetFraudDecisions
{
    public const string Model = "mlnet_fraud";
    public const string Version = "1.0.0";

    /// <summary>The sample README's fraud case: flagged, with a large positive raw score.</summary>
    public const string FraudCase = "mlnet-fraud-1";

    /// <summary>A transaction the model let through (negative raw score).</summary>
    public const string LegitCase = "mlnet-legit-2";

    public static readonly DateTimeOffset Start = DashboardDecisions.Start.AddDays(10);

    /// <summary>The three decisions, oldest first.</summary>
    public static IEnumerable<byte[]> Create()
    {
        yield return Decision(FraudCase, Start.AddHours(3), fraud: true, probability: 0.981, score: 4.127,
            new() { ["amount"] = 3.271992, ["cardPresent"] = -1.440804, ["distanceFromHomeKm"] = 0.008357, ["hour"] = -2.439693, ["merchantCategory"] = -1.728339, ["transactionsLastHour"] = 2.480709 });
        yield return Decision(LegitCase, Start.AddDays(1).AddHours(14), fraud: false, probability: 0.021, score: -3.912,
            new() { ["amount"] = -1.812, ["cardPresent"] = -0.944, ["distanceFromHomeKm"] = -0.203, ["hour"] = -0.611, ["merchantCategory"] = 0.138, ["transactionsLastHour"] = -0.52 });
        yield return Decision("mlnet-fraud-3", Start.AddDays(2).AddHours(2), fraud: true, probability: 0.904, score: 2.24,
            new() { ["amount"] = 1.94, ["cardPresent"] = 0.61, ["distanceFromHomeKm"] = 1.02, ["hour"] = -0.48, ["merchantCategory"] = -0.31, ["transactionsLastHour"] = 0.77 });
    }

    private static byte[] Decision(string requestId, DateTimeOffset timestamp, bool fraud, double probability, double score, SortedDictionary<string, double> contributions)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("requestId", requestId);
            json.WriteString("timestamp", timestamp);
            json.WriteStartObject("model");
            json.WriteString("name", Model);
            json.WriteString("version", Version);
            json.WriteString("pipelineVersion", "fraud-features-1");
            json.WriteString("artifactDigest", "sha256:6a0f5592ae92a42d82a559d353ff3e32950813ad3f154f4ee94c801db461a538");
            json.WriteEndObject();
            json.WriteStartObject("input");
            json.WriteNumber("amount", 1850);
            json.WriteBoolean("cardPresent", false);
            json.WriteNumber("distanceFromHomeKm", 420);
            json.WriteNumber("hour", timestamp.Hour);
            json.WriteString("merchantCategory", "electronics");
            json.WriteNumber("transactionsLastHour", 6);
            json.WriteEndObject();
            json.WriteStartObject("output");
            json.WriteBoolean("fraud", fraud);
            json.WriteNumber("probability", probability);
            json.WriteNumber("score", score);
            json.WriteEndObject();
            json.WriteStartObject("explanation");
            json.WriteString("method", "feature-contribution");
            json.WriteStartObject("attributions");
            foreach ((string feature, double value) in contributions)
            {
                json.WriteNumber(feature, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("actor");
            json.WriteString("userId", "analyst_jane");
            json.WriteEndObject();
            json.WriteStartObject("subject");
            json.WriteString("id", "customer-1842");
            json.WriteEndObject();
            json.WriteNumber("latencyMs", 4.2);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
