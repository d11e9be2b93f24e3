using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using DecisionLedger.Storage;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// The field-catalog cost a store pays per appended entry with a ~1 KB canonical entry and a
/// ~400 B input: walking every document (what <see cref="FieldPathCollector.Collect(DecisionLedger.Storage.AppendBatch)"/> avoids),
/// and the per-entry cost of <c>Collect(batch)</c>, which walks only the first document of each
/// shape. Baseline: a bare reader pass over the same bytes.
/// </summary>
[MemoryDiagnoser]
public class FieldPathBenchmarks
{
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private byte[] _entry = [];
    private byte[] _input = [];
    private AppendBatch _batch = null!;

    private const int BatchSize = 1024;

    [GlobalSetup]
    public void Setup()
    {
        _entry = Encoding.UTF8.GetBytes(
            """{"actor":{"tenant":"emea","userId":"analyst_jane"},"explanation":{"attributions":{"account_age_days":-0.09,"amount":0.42,"avg_ticket_30d":0.021,"chargebacks_90d":0.15,"country_mismatch":0.07,"device_new":0.11,"hour_of_day":-0.013,"ip_risk":0.0042,"merchant_category":-0.05,"velocity_1h":0.18},"baseValue":0.1,"method":"feature-contribution"},"inputDigest":"3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a","latencyMs":23.5,"metadata":{"endpoint":"/predict","host":"scoring-7d9f","ip":"10.0.0.7","region":"eu-west-1","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},"model":{"artifactDigest":"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","name":"fraud_detector","parameters":{"calibrated":true,"maxDepth":8,"threshold":0.85,"trees":400},"pipelineVersion":"prep-7","version":"3.2.1"},"output":{"amount":1249.99,"country":"DE","currency":"EUR","decision":"block","deviceNew":true,"label":"fraud","merchantCategory":"5732","reasonCodes":["R12","R07","R33"],"review":{"priority":2,"queue":"manual-fraud","slaMinutes":30},"riskBand":"high","ruleHits":[],"score":0.9132,"scores":{"fraud":0.9132,"legit":0.0868},"threshold":0.85,"velocity1h":7},"redactions":[],"requestId":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","seq":1842,"subject":{"id":"customer-1842"},"timestamp":"2026-11-23T12:00:00.123456Z","v":1}""");
        _input = Encoding.UTF8.GetBytes(
            """{"accountAgeDays":812,"amount":1249.99,"avgAmount30d":88.4,"cardPresent":false,"country":"DE","currency":"EUR","deviceTrustScore":0.31,"distanceFromHomeKm":412.5,"hourOfDay":3,"merchantCategory":"electronics","merchantId":"m-004711","transactionId":"tx-00001842","txnCount24h":7}""");
        Console.WriteLine($"// entry {_entry.Length} B, input {_input.Length} B");
        var columns = new EntryColumns("r", DateTimeOffset.UnixEpoch, "fraud_detector", "3.2.1", null, null, null, null);
        _batch = new AppendBatch(
            [.. Enumerable.Range(0, BatchSize).Select(i => new StoredEntry(i, _entry, default, columns with { RequestId = "r" + i }))],
            [.. Enumerable.Range(0, BatchSize).Select(i => new StoredInput(i, new byte[16], _input))],
            [],
            null);
        Collect();
    }

    [Benchmark(Baseline = true, Description = "Reader pass over entry + input (floor)")]
    public int ReadOnly() => Tokens(_entry) + Tokens(_input);

    [Benchmark(Description = "Collect entry + input paths (every entry walked)")]
    public int Collect()
    {
        FieldPathCollector.CollectEntry(_entry, _paths);
        FieldPathCollector.CollectInput(_input, _paths);
        return _paths.Count;
    }

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "Per entry of a 1,024-entry batch of one shape (as appended)")]
    public int CollectBatch() => FieldPathCollector.Collect(_batch).Count;

    private static int Tokens(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        int count = 0;
        while (reader.Read())
        {
            count++;
        }

        return count;
    }
}
