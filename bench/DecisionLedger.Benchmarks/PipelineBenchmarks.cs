using System.Text;
using BenchmarkDotNet.Attributes;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// The per-decision CPU cost of the recorder's batcher: canonicalize the input, salt and
/// digest it, fingerprint it, canonicalize and leaf-hash the entry. Baseline: parsing the
/// same ~1 KB decision, which the collector pays before recording.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private byte[] _json = null!;
    private Decision _decision = null!;
    private EntryBuilder _builder = null!;
    private long _seq;

    [GlobalSetup]
    public void Setup()
    {
        _json = Encoding.UTF8.GetBytes("""
            {"model":{"name":"fraud_detector","version":"3.2.1","pipelineVersion":"prep-7","artifactDigest":"sha256:9f2c4e1a7b3d5f60718293a4b5c6d7e8f9012345678901234567890abcdef12","parameters":{"threshold":0.72,"trees":300}},
             "input":{"transactionId":"tx-00001842","amount":1249.99,"currency":"EUR","merchantCategory":"electronics","merchantId":"m-004211","country":"DE","cardPresent":false,"hourOfDay":23,"txnCount24h":7,"avgAmount30d":212.4,"accountAgeDays":812,"deviceTrustScore":0.1234,"distanceFromHomeKm":1834.5},
             "output":{"label":"fraud","score":0.913201,"threshold":0.72},
             "explanation":{"method":"feature-contribution","baseValue":0.083,"attributions":{"amount":0.182,"merchantCategory":0.051,"country":-0.012,"cardPresent":0.044,"hourOfDay":0.031,"txnCount24h":0.072,"avgAmount30d":-0.021,"accountAgeDays":-0.034,"deviceTrustScore":0.093,"distanceFromHomeKm":0.121}},
             "actor":{"userId":"svc-payments-3","tenant":"emea"},"subject":{"id":"customer-01842"},"latencyMs":4.812,
             "metadata":{"endpoint":"/predict","ip":"10.0.12.7","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
            """);
        _decision = DecisionParser.Default.Parse(_json);
        var random = new SeededRandomSource(1);
        byte[] key = new byte[32];
        random.Fill(key);
        _builder = new EntryBuilder(new InputFingerprinter(key), CryptographicRandomSource.Instance, new DecisionLedger.Redaction.PolicyRedactor(DecisionLedger.Redaction.RedactionPolicy.PrivacyByDefault, key));
    }

    [Benchmark(Baseline = true)]
    public Decision Parse() => DecisionParser.Default.Parse(_json);

    [Benchmark]
    public Sha256Hash BuildEntry()
    {
        var (entry, _) = _builder.Build(_seq++, _decision, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        return entry.LeafHash;
    }
}
