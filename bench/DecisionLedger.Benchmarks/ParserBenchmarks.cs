using System.Text;
using System.Text.Unicode;
using BenchmarkDotNet.Attributes;
using DecisionLedger.Decisions;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// The decision parser on the ~1 KB fraud decision, and what the text rules (issue 12) add to it: the UTF-8
/// validation of the payload, and the whole check a decision built in code gets (<see cref="DecisionText"/>).
/// Baseline: the full parse.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private const string Json = """
        {"requestId":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","model":{"name":"fraud_detector","version":"3.2.1","pipelineVersion":"prep-7","parameters":{"threshold":0.72,"trees":300}},
         "input":{"transactionId":"tx-00001842","amount":1249.99,"currency":"EUR","merchantCategory":"electronics","merchantId":"m-004211","country":"DE","cardPresent":false,"hourOfDay":23,"txnCount24h":7,"avgAmount30d":212.4,"accountAgeDays":812,"deviceTrustScore":0.1234,"distanceFromHomeKm":1834.5,"contact":"web-checkout","note":"Zoë, café"},
         "output":{"label":"fraud","score":0.913201,"threshold":0.72},
         "explanation":{"method":"feature-contribution","baseValue":0.083,"attributions":{"amount":0.182,"merchantCategory":0.051,"country":-0.012,"cardPresent":0.044,"hourOfDay":0.031}},
         "actor":{"userId":"svc-payments-3","tenant":"emea"},"subject":{"id":"customer-01842"},"latencyMs":4.812,
         "metadata":{"endpoint":"/predict","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
        """;

    private readonly byte[] _bytes = Encoding.UTF8.GetBytes(Json);
    private Decision _decision = null!;

    [GlobalSetup]
    public void Setup() => _decision = DecisionParser.Default.Parse(_bytes);

    [Benchmark(Baseline = true)]
    public Decision Parse() => DecisionParser.Default.Parse(_bytes);

    [Benchmark]
    public bool ValidateUtf8() => Utf8.IsValid(_bytes);

    [Benchmark]
    public Decision CheckCodeBuiltText()
    {
        DecisionText.Ensure(_decision);
        return _decision;
    }
}
