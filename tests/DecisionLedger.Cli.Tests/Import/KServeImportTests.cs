using System.Text.Json;

namespace DecisionLedger.Cli.Tests.Import;

/// <summary><c>dledger import --format kserve-cloudevents</c> over the CloudEvents dump fixture (docs/examples/import).</summary>
public sealed class KServeImportTests
{
    private static readonly string Dump = ImportLedger.Fixture("kserve-cloudevents.jsonl");

    [Fact]
    public async Task Import_KServeDump_PairsByCeId_AndLandsInALedgerThatVerifies_WithCountsThatAddUp()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();

        (CliResult result, JsonElement report) = await ledger.ImportAsync("--format", "kserve-cloudevents", Dump);

        // 14 events: pairs A, B, C, E and lone D imported; the redelivered B request and A's request after its pair are duplicates; 3 bad lines.
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        await ledger.AssertCountsAsync(report, read: 10, imported: 5, duplicates: 2, bad: 3, unpaired: 1);
        await ledger.AssertVerifiesAsync();
        Dictionary<string, JsonElement> decisions = await ledger.DecisionsAsync(report.GetProperty("eventSeq").GetInt64());
        Assert.Equal(["5d1b3c2a-0001", "5d1b3c2a-0002", "5d1b3c2a-0003", "5d1b3c2a-0004", "5d1b3c2a-0007"], decisions.Keys.Order(StringComparer.Ordinal));

        // A pair is the collector's decision: model from ce-inferenceservicename, version from the response, latency between the ce-times.
        JsonElement pair = decisions["5d1b3c2a-0001"].GetProperty("entry");
        Assert.Equal("credit-risk", pair.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal("v3", pair.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(30, pair.GetProperty("latencyMs").GetDouble(), 3);
        JsonElement metadata = pair.GetProperty("metadata");
        Assert.Equal("kserve-cloudevents", metadata.GetProperty("capture").GetString());
        Assert.Equal("line 1", metadata.GetProperty("importedFrom").GetProperty("request").GetString());
        Assert.Equal("line 4", metadata.GetProperty("importedFrom").GetProperty("response").GetString());

        // data_base64 JSON is the body itself; binary-mode captures pair like structured ones.
        Assert.Equal(0.81, decisions["5d1b3c2a-0002"].GetProperty("entry").GetProperty("output").GetProperty("outputs")[0].GetProperty("data")[0].GetDouble());
        Assert.Equal(0.33, decisions["5d1b3c2a-0003"].GetProperty("entry").GetProperty("output").GetProperty("predictions")[0].GetDouble());

        // A half without its partner is recorded alone, saying which half is missing.
        JsonElement lone = decisions["5d1b3c2a-0004"].GetProperty("entry").GetProperty("metadata");
        Assert.Equal("response", lone.GetProperty("missingHalf").GetString());
        Assert.Equal("partner-not-in-dump", lone.GetProperty("recordedAlone").GetString());

        // Bytes that are not UTF-8 are kept as data_base64; redaction applies to the output.
        JsonElement binary = decisions["5d1b3c2a-0007"];
        Assert.Equal("application/octet-stream", binary.GetProperty("input").GetProperty("datacontenttype").GetString());
        Assert.Equal("[EMAIL]", binary.GetProperty("entry").GetProperty("output").GetProperty("predictions")[0].GetProperty("contact").GetString());
    }

    [Fact]
    public async Task Import_KServeDump_IntoEntryFormat2_WritesAV2ImportEvent_AndVerifies()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync("--entry-format", "2");

        (_, JsonElement report) = await ledger.ImportAsync("--format", "kserve-cloudevents", Dump);

        await ledger.AssertCountsAsync(report, read: 10, imported: 5, duplicates: 2, bad: 3, unpaired: 1);
        Assert.Equal(2, (await ledger.ShowAsync(report.GetProperty("eventSeq").GetInt64())).GetProperty("entry").GetProperty("v").GetInt32());
        await ledger.AssertVerifiesAsync();
    }

    [Fact]
    public async Task Import_BadCloudEvents_AreReportedWithLineAndField()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();

        (_, JsonElement report) = await ledger.ImportAsync("--format", "kserve-cloudevents", Dump);

        ImportLedger.AssertProblem(report, "line 9", "line", "not valid JSON");
        ImportLedger.AssertProblem(report, "line 10", "type", "is not a KServe inference event");
        ImportLedger.AssertProblem(report, "line 13", "line", "not valid UTF-8 (byte 0xFF");
    }

    [Fact]
    public async Task Import_KServeReRun_SkipsEveryDecisionAsADuplicate()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();
        await ledger.ImportAsync("--format", "kserve-cloudevents", Dump);

        (_, JsonElement again) = await ledger.ImportAsync("--format", "kserve-cloudevents", Dump);

        await ledger.AssertCountsAsync(again, read: 10, imported: 0, duplicates: 7, bad: 3, unpaired: 0);
        await ledger.AssertVerifiesAsync();
    }

    [Fact]
    public async Task Import_CloudEventsBatch_ConflictingHalf_IsBad_AndThePairStillLands()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();
        static string Event(string type, string data) =>
            $"{{\"specversion\":\"1.0\",\"id\":\"b-1\",\"source\":\"s\",\"type\":\"org.kubeflow.serving.inference.{type}\",\"time\":\"2026-11-20T10:00:00Z\",\"inferenceservicename\":\"m\",\"data\":{data}}}";
        string batch = Path.Combine(ledger.Root, "batch.json");
        await File.WriteAllTextAsync(batch, $"[\n{Event("request", "{\"x\":1}")},\n{Event("request", "{\"x\":2}")},\n{Event("response", "{\"y\":1}")}\n]");

        (CliResult result, JsonElement report) = await ledger.ImportAsync("--format", "kserve-cloudevents", batch);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        await ledger.AssertCountsAsync(report, read: 2, imported: 1, duplicates: 0, bad: 1);
        ImportLedger.AssertProblem(report, "event 2", "ce-id", "names a second request with different data than the one at event 1");
        await ledger.AssertVerifiesAsync();
    }
}
