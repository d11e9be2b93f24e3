using System.Text.Json;
using BenchmarkDotNet.Attributes;
using DecisionLedger.Canonicalization;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Decisions;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// Canonicalize + leaf-hash one realistic fraud-model entry (~1 KB canonical). Baseline:
/// the generic JCS path over the same entry as a parsed JsonElement, which must sort every
/// member; the entry path writes the fixed schema directly.
/// </summary>
[MemoryDiagnoser]
public class CanonicalizeBenchmarks
{
    private LedgerEntry _entry = null!;
    private JsonDocument _document = null!;

    [GlobalSetup]
    public void Setup()
    {
        _entry = new LedgerEntry
        {
            Seq = 1842,
            RequestId = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            Timestamp = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560),
            Model = new ModelInfo
            {
                Name = "fraud_detector",
                Version = "3.2.1",
                PipelineVersion = "prep-7",
                ArtifactDigest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                Parameters = Json("""{"threshold":0.85,"trees":400,"maxDepth":8,"calibrated":true}"""),
            },
            Actor = new Actor { UserId = "analyst_jane", Tenant = "emea" },
            Subject = new DecisionSubject { Id = "customer-1842" },
            Output = Json("""
                {"label":"fraud","score":0.9132,"threshold":0.85,"decision":"block","reasonCodes":["R12","R07","R33"],
                 "riskBand":"high","review":{"queue":"manual-fraud","priority":2,"slaMinutes":30},
                 "scores":{"fraud":0.9132,"legit":0.0868},"ruleHits":[],"currency":"EUR","amount":1249.99,
                 "merchantCategory":"5732","country":"DE","velocity1h":7,"deviceNew":true}
                """),
            Explanation = new Explanation
            {
                Method = "feature-contribution",
                BaseValue = 0.1,
                Attributions = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    ["amount"] = 0.42, ["merchant_category"] = -0.05, ["velocity_1h"] = 0.18,
                    ["device_new"] = 0.11, ["country_mismatch"] = 0.07, ["hour_of_day"] = -0.013,
                    ["account_age_days"] = -0.09, ["avg_ticket_30d"] = 0.021, ["chargebacks_90d"] = 0.15,
                    ["ip_risk"] = 0.0042,
                },
            },
            LatencyMs = 23.5,
            Metadata = Json("""{"endpoint":"/predict","ip":"10.0.0.7","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01","host":"scoring-7d9f","region":"eu-west-1"}"""),
            InputDigest = Sha256Hash.Compute("input"u8),
            Redactions =
            [
                new AppliedRedaction("$.customer.email", "email", "replace"),
                new AppliedRedaction("$.card.number", "credit-card", "mask"),
            ],
        };
        _document = JsonDocument.Parse(EntryCanonicalizer.ToCanonicalBytes(_entry));
        Console.WriteLine($"// canonical entry: {EntryCanonicalizer.ToCanonicalBytes(_entry).Length} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => _document.Dispose();

    [Benchmark(Baseline = true, Description = "Generic JCS of JsonElement + leaf hash")]
    public Sha256Hash GenericCanonicalizeAndHash() => MerkleHasher.HashLeaf(JsonCanonicalizer.Canonicalize(_document.RootElement));

    [Benchmark(Description = "Entry canonical bytes (array)")]
    public byte[] EntryToCanonicalBytes() => EntryCanonicalizer.ToCanonicalBytes(_entry);

    [Benchmark(Description = "Entry canonicalize + leaf hash (pooled)")]
    public Sha256Hash EntryLeafHash() => EntryHasher.LeafHash(_entry);

    private static JsonElement Json(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
