using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DecisionLedger.Decisions;

namespace DecisionLedger.Cli.Demo;

/// <summary>
/// Realistic decisions of a card-fraud model over the 30 simulated days of a <see cref="DemoChapter"/>,
/// from its seed: the same chapter gives the same decisions. The chapter's versions roll out over the
/// period (the first: 3.0.0 → 3.1.0 → 3.2.1); about 2% of requests fail and are recorded with an error output.
/// </summary>
internal sealed class DemoDecisionGenerator
{
    /// <summary>The seed of the first chapter.</summary>
    public const int DefaultSeed = 1842;

    /// <summary>The model's name.</summary>
    public const string ModelName = "fraud_detector";

    private static readonly string[] s_users =
    [
        "analyst_jane", "analyst_omar", "analyst_mei", "analyst_lucas",
        "svc-checkout", "svc-checkout", "svc-checkout", "svc-payments", "svc-payments", "svc-batch-rescore",
    ];

    private static readonly string[] s_tenants = ["emea", "emea", "amer", "amer", "amer", "apac"];
    private static readonly string[] s_currencies = ["EUR", "USD", "GBP", "JPY", "SGD"];
    private static readonly string[] s_categories = ["grocery", "electronics", "travel", "gaming", "fuel", "jewelry", "restaurants"];
    private static readonly string[] s_countries = ["DE", "FR", "US", "BR", "JP", "SG", "GB", "NG"];
    private static readonly string[] s_channels = ["pos", "ecommerce", "mobile"];

    private readonly Random _random;
    private readonly int _count;
    private readonly DemoChapter _chapter;
    private int _index;

    /// <summary>Creates a generator of <paramref name="count"/> decisions spread over the first chapter's period.</summary>
    public DemoDecisionGenerator(int count, int seed = DefaultSeed)
        : this(count, DemoChapter.First with { Seed = seed })
    {
    }

    /// <summary>Creates a generator of <paramref name="count"/> decisions spread over <paramref name="chapter"/>'s period.</summary>
    public DemoDecisionGenerator(int count, DemoChapter chapter)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(chapter);

        // Deterministic by design: the demo's decisions are reproducible; nothing secret comes from here.
#pragma warning disable CA5394
        _random = new Random(chapter.Seed);
#pragma warning restore CA5394
        _count = count;
        _chapter = chapter;
    }

    /// <summary>The versions the first chapter goes through, oldest first.</summary>
    public static IReadOnlyList<string> Versions => DemoChapter.First.Versions;

    /// <summary>Returns the next decision, or null after <c>count</c> of them.</summary>
    public Decision? Next()
    {
        if (_index >= _count)
        {
            return null;
        }

        long ticks = DemoChapter.Period.Ticks * _index / _count;
        DateTimeOffset timestamp = _chapter.Start.AddTicks(ticks - (ticks % TimeSpan.TicksPerMillisecond) + (Int(0, 1000) * 10));
        _index++;
        double day = (timestamp - _chapter.Start).TotalDays;
        DemoRollout version = _chapter.Rollout.LastOrDefault(v => day >= v.FromDay) ?? _chapter.Rollout[0];

        double amount = Math.Round(Math.Exp(Double(1.5, 8.5)), 2);
        string category = Pick(s_categories);
        string country = Pick(s_countries);
        string channel = Pick(s_channels);
        bool cardPresent = channel == "pos";
        int hour = timestamp.Hour;
        int accountAgeDays = Int(3, 4000);
        int txCount = Int(0, 25);
        double avgAmount = Math.Round(Math.Exp(Double(2, 6)), 2);
        double distance = Math.Round(Math.Exp(Double(0, 9)), 1);
        double deviceTrust = Math.Round(Double(0, 1), 3);

        byte[] input = Build(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("amount", amount);
            w.WriteString("currency", Pick(s_currencies));
            w.WriteString("merchantCategory", category);
            w.WriteString("merchantCountry", country);
            w.WriteBoolean("cardPresent", cardPresent);
            w.WriteString("channel", channel);
            w.WriteNumber("hourOfDay", hour);
            w.WriteNumber("accountAgeDays", accountAgeDays);
            w.WriteNumber("txCountLast24h", txCount);
            w.WriteNumber("avgAmountLast30d", avgAmount);
            w.WriteNumber("distanceFromHomeKm", distance);
            w.WriteNumber("deviceTrustScore", deviceTrust);
            w.WriteEndObject();
        });

        const double baseValue = 0.08;
        bool failed = _random.NextDouble() < 0.02;
        Explanation? explanation = null;
        byte[] output;
        if (failed)
        {
            bool timeout = _random.NextDouble() < 0.6;
            output = Build(w =>
            {
                w.WriteStartObject();
                w.WriteString("error", timeout ? "feature store timeout after 250 ms" : "unknown merchant category code");
                w.WriteNumber("status", timeout ? 503 : 422);
                w.WriteEndObject();
            });
        }
        else
        {
            var attributions = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["amount"] = Contribution(0.22 * Math.Tanh((Math.Log(amount) - 4) / 2)),
                ["merchantCategory"] = Contribution(category is "electronics" or "jewelry" or "gaming" ? 0.09 : -0.03),
                ["merchantCountry"] = Contribution(country is "NG" or "BR" ? 0.08 : -0.02),
                ["cardPresent"] = Contribution(cardPresent ? -0.06 : 0.04),
                ["hourOfDay"] = Contribution(hour is < 6 ? 0.05 : -0.01),
                ["accountAgeDays"] = Contribution(accountAgeDays < 60 ? 0.1 : -0.03),
                ["txCountLast24h"] = Contribution(0.01 * (txCount - 5)),
                ["avgAmountLast30d"] = Contribution(amount > avgAmount * 4 ? 0.07 : -0.02),
                ["distanceFromHomeKm"] = Contribution(distance > 1000 ? 0.09 : -0.02),
                ["deviceTrustScore"] = Contribution(0.12 * (0.5 - deviceTrust)),
            };
            double score = Math.Round(Math.Clamp(baseValue + attributions.Values.Sum(), 0.001, 0.999), 4);
            output = Build(w =>
            {
                w.WriteStartObject();
                w.WriteString("label", score >= 0.5 ? "fraud" : "legit");
                w.WriteNumber("score", score);
                w.WriteEndObject();
            });
            explanation = new Explanation { Method = "feature-contribution", BaseValue = baseValue, Attributions = attributions };
        }

        string user = Pick(s_users);
        byte[] metadata = Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("endpoint", user.StartsWith("svc-batch", StringComparison.Ordinal) ? "/v1/fraud/rescore" : "/v1/fraud/score");
            w.WriteString("ip", string.Create(CultureInfo.InvariantCulture, $"10.{Int(0, 8)}.{Int(0, 256)}.{Int(1, 255)}"));
            w.WriteString("traceparent", $"00-{Hex(16)}-{Hex(8)}-01");
            w.WriteEndObject();
        });

        return new Decision
        {
            Timestamp = timestamp,
            Model = new ModelInfo
            {
                Name = ModelName,
                Version = version.Version,
                PipelineVersion = version.Pipeline,
                ArtifactDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ModelName}@{version.Version}"))),
            },
            Input = JsonElement.Parse(input),
            Output = JsonElement.Parse(output),
            Explanation = explanation,
            Actor = new Actor { UserId = user, Tenant = Pick(s_tenants) },
            Subject = new DecisionSubject { Id = string.Create(CultureInfo.InvariantCulture, $"customer-{Int(1, 2500):D4}") },
            LatencyMs = Math.Round(failed ? Double(250, 260) : Double(6, 45), 1),
            Metadata = JsonElement.Parse(metadata),
        };
    }

    private static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private double Contribution(double value) => Math.Round(value + Double(-0.01, 0.01), 4);

#pragma warning disable CA5394 // Deterministic demo data, not security.
    private int Int(int min, int max) => _random.Next(min, max);

    private double Double(double min, double max) => min + (_random.NextDouble() * (max - min));

    private string Pick(string[] values) => values[_random.Next(values.Length)];

    private string Hex(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        _random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }
#pragma warning restore CA5394
}
