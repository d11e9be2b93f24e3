using System.Buffers;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Decisions;

namespace DecisionLedger.Archiving.S3.Tests;

/// <summary>
/// Realistic decisions for the archive-at-scale test: a card-fraud model (80%) and a credit model (20%),
/// each with a dozen input features, an output with label and score, per-feature attributions, an actor,
/// a subject out of <c>count / 20</c> customers (about 20 decisions each) and request metadata, spread evenly over the twelve months of 2025
/// (so an archive run writes one file per model and month). Deterministic from the seed.
/// </summary>
internal sealed class ScaleDecisions(int count, int seed = 16)
{
    /// <summary>The first decision's timestamp; the last is just before 2026.</summary>
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan s_period = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) - Start;
    private static readonly string[] s_users = ["analyst_jane", "analyst_omar", "svc-checkout", "svc-checkout", "svc-payments", "svc-batch-rescore"];
    private static readonly string[] s_tenants = ["emea", "amer", "amer", "apac"];
    private static readonly string[] s_currencies = ["EUR", "USD", "GBP", "JPY"];
    private static readonly string[] s_categories = ["grocery", "electronics", "travel", "gaming", "fuel", "jewelry", "restaurants"];
    private static readonly string[] s_countries = ["DE", "FR", "US", "BR", "JP", "SG", "GB", "NG"];
    private static readonly string[] s_channels = ["pos", "ecommerce", "mobile"];
    private static readonly string[] s_purposes = ["car", "home", "education", "consolidation"];

    // Deterministic test data, not security.
#pragma warning disable CA5394
    private readonly Random _random = new(seed);
#pragma warning restore CA5394
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly int _subjects = Math.Max(count / 20, 10);
    private int _index;

    /// <summary>The subject id of customer number <paramref name="customer"/>.</summary>
    public static string SubjectId(int customer) => string.Create(CultureInfo.InvariantCulture, $"customer-{customer:D6}");

    /// <summary>The next decision, or null after <c>count</c>.</summary>
    public Decision? Next()
    {
        if (_index >= count)
        {
            return null;
        }

        DateTimeOffset timestamp = Start.AddTicks(s_period.Ticks / count * _index);
        _index++;
        bool fraud = Int(0, 5) != 0;
        return fraud ? Fraud(timestamp) : Credit(timestamp);
    }

    private Decision Fraud(DateTimeOffset timestamp)
    {
        double amount = Math.Round(Math.Exp(Double(1.5, 8.5)), 2);
        string category = Pick(s_categories);
        string country = Pick(s_countries);
        string channel = Pick(s_channels);
        int accountAge = Int(3, 4000);
        int txCount = Int(0, 25);
        double deviceTrust = Math.Round(Double(0, 1), 3);
        JsonElement input = Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("amount", amount);
            w.WriteString("currency", Pick(s_currencies));
            w.WriteString("merchantCategory", category);
            w.WriteString("merchantCountry", country);
            w.WriteBoolean("cardPresent", channel == "pos");
            w.WriteString("channel", channel);
            w.WriteNumber("hourOfDay", timestamp.Hour);
            w.WriteNumber("accountAgeDays", accountAge);
            w.WriteNumber("txCountLast24h", txCount);
            w.WriteNumber("avgAmountLast30d", Math.Round(Math.Exp(Double(2, 6)), 2));
            w.WriteNumber("distanceFromHomeKm", Math.Round(Math.Exp(Double(0, 9)), 1));
            w.WriteNumber("deviceTrustScore", deviceTrust);
            w.WriteEndObject();
        });
        var attributions = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["amount"] = Contribution(0.22 * Math.Tanh((Math.Log(amount) - 4) / 2)),
            ["merchantCategory"] = Contribution(category is "electronics" or "jewelry" ? 0.09 : -0.03),
            ["merchantCountry"] = Contribution(country is "NG" or "BR" ? 0.08 : -0.02),
            ["accountAgeDays"] = Contribution(accountAge < 60 ? 0.1 : -0.03),
            ["txCountLast24h"] = Contribution(0.01 * (txCount - 5)),
            ["deviceTrustScore"] = Contribution(0.12 * (0.5 - deviceTrust)),
        };
        double score = Math.Round(Math.Clamp(0.08 + attributions.Values.Sum(), 0.001, 0.999), 4);
        return Decision("fraud_detector", Pick(["3.1.0", "3.2.1"]), timestamp, input, score >= 0.5 ? "fraud" : "legit", score, attributions);
    }

    private Decision Credit(DateTimeOffset timestamp)
    {
        int income = Int(18_000, 250_000);
        int requested = Int(1_000, 80_000);
        int bureau = Int(450, 850);
        double debtRatio = Math.Round(Double(0, 0.9), 3);
        JsonElement input = Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("annualIncome", income);
            w.WriteNumber("requestedAmount", requested);
            w.WriteNumber("termMonths", Pick([12, 24, 36, 60, 84]));
            w.WriteString("purpose", Pick(s_purposes));
            w.WriteNumber("bureauScore", bureau);
            w.WriteNumber("debtToIncome", debtRatio);
            w.WriteNumber("openAccounts", Int(0, 20));
            w.WriteNumber("delinquencies24m", Int(0, 4));
            w.WriteNumber("employmentYears", Int(0, 40));
            w.WriteString("residence", Pick(["own", "rent", "other"]));
            w.WriteEndObject();
        });
        var attributions = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["bureauScore"] = Contribution((bureau - 650) / 1000.0),
            ["debtToIncome"] = Contribution(0.3 - debtRatio),
            ["requestedAmount"] = Contribution(requested > income / 2 ? -0.12 : 0.02),
            ["annualIncome"] = Contribution(Math.Log(income) / 50),
        };
        double score = Math.Round(Math.Clamp(0.5 + attributions.Values.Sum(), 0.001, 0.999), 4);
        return Decision("credit_risk", "7.4.0", timestamp, input, score >= 0.5 ? "approve" : "decline", score, attributions);
    }

    private Decision Decision(string model, string version, DateTimeOffset timestamp, JsonElement input, string label, double score, Dictionary<string, double> attributions)
    {
        string user = Pick(s_users);
        return new Decision
        {
            Timestamp = timestamp,
            Model = new ModelInfo { Name = model, Version = version },
            Input = input,
            Output = Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("label", label);
                w.WriteNumber("score", score);
                w.WriteEndObject();
            }),
            Explanation = new Explanation { Method = "feature-contribution", BaseValue = 0.08, Attributions = attributions },
            Actor = new Actor { UserId = user, Tenant = Pick(s_tenants) },
            Subject = new DecisionSubject { Id = SubjectId(Int(0, _subjects)) },
            LatencyMs = Math.Round(Double(6, 45), 1),
            Metadata = Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("endpoint", user.StartsWith("svc-batch", StringComparison.Ordinal) ? "/v1/rescore" : "/v1/score");
                w.WriteString("ip", string.Create(CultureInfo.InvariantCulture, $"10.{Int(0, 8)}.{Int(0, 256)}.{Int(1, 255)}"));
                w.WriteEndObject();
            }),
        };
    }

    private JsonElement Json(Action<Utf8JsonWriter> write)
    {
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer))
        {
            write(writer);
        }

        return JsonElement.Parse(_buffer.WrittenSpan);
    }

    private double Contribution(double value) => Math.Round(value + Double(-0.01, 0.01), 4);

#pragma warning disable CA5394 // Deterministic test data, not security.
    private int Int(int min, int max) => _random.Next(min, max);

    private double Double(double min, double max) => min + (_random.NextDouble() * (max - min));

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];
#pragma warning restore CA5394
}
