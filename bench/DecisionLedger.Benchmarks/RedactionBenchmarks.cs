using System.Text;
using BenchmarkDotNet.Attributes;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// What privacy by default adds per decision: every built-in detector over the ~1 KB fraud decision, with no
/// personal data (the common case: the scan-only fast path) and with three values to redact (email, card,
/// client IP). Baseline: parsing the same JSON, which the pipeline pays per decision anyway.
/// </summary>
[MemoryDiagnoser]
public class RedactionBenchmarks
{
    private const string Template = """
        {"model":{"name":"fraud_detector","version":"3.2.1","pipelineVersion":"prep-7","artifactDigest":"sha256:9f2c4e1a7b3d5f60718293a4b5c6d7e8f9012345678901234567890abcdef12","parameters":{"threshold":0.72,"trees":300}},
         "input":{"transactionId":"tx-00001842","amount":1249.99,"currency":"EUR","merchantCategory":"electronics","merchantId":"m-004211","country":"DE","cardPresent":false,"hourOfDay":23,"txnCount24h":7,"avgAmount30d":212.4,"accountAgeDays":812,"deviceTrustScore":0.1234,"distanceFromHomeKm":1834.5,"contact":"CONTACT","card":"CARD"},
         "output":{"label":"fraud","score":0.913201,"threshold":0.72},
         "explanation":{"method":"feature-contribution","baseValue":0.083,"attributions":{"amount":0.182,"merchantCategory":0.051,"country":-0.012,"cardPresent":0.044,"hourOfDay":0.031,"txnCount24h":0.072,"avgAmount30d":-0.021,"accountAgeDays":-0.034,"deviceTrustScore":0.093,"distanceFromHomeKm":0.121}},
         "actor":{"userId":"svc-payments-3","tenant":"emea"},"subject":{"id":"customer-01842"},"latencyMs":4.812,
         "metadata":{"endpoint":"/predict","ip":"IP","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
        """;

    private byte[] _json = null!;
    private Decision _clean = null!;
    private Decision _withPii = null!;
    private PolicyRedactor _redactor = null!;

    [GlobalSetup]
    public void Setup()
    {
        string clean = Template.Replace("CONTACT", "web-checkout", StringComparison.Ordinal).Replace("CARD", "visa-debit", StringComparison.Ordinal).Replace("\"IP\"", "\"edge-eu-3\"", StringComparison.Ordinal);
        string pii = Template.Replace("CONTACT", "jane.doe@example.com", StringComparison.Ordinal).Replace("CARD", "4111 1111 1111 1111", StringComparison.Ordinal).Replace("\"IP\"", "\"10.0.12.7\"", StringComparison.Ordinal);
        _json = Encoding.UTF8.GetBytes(clean);
        _clean = DecisionParser.Default.Parse(_json);
        _withPii = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(pii));
        byte[] key = new byte[32];
        new Random(1).NextBytes(key);
        _redactor = new PolicyRedactor(RedactionPolicy.PrivacyByDefault, key);
    }

    [Benchmark(Baseline = true)]
    public Decision Parse() => DecisionParser.Default.Parse(_json);

    [Benchmark]
    public RedactionResult PrivacyByDefault_NoPii() => _redactor.Redact(_clean);

    [Benchmark]
    public RedactionResult PrivacyByDefault_ThreePii() => _redactor.Redact(_withPii);
}
