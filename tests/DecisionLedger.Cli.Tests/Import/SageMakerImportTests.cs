using System.Text.Json;

namespace DecisionLedger.Cli.Tests.Import;

/// <summary><c>dledger import --format sagemaker-capture</c> over the Data Capture fixture (docs/examples/import).</summary>
public sealed class SageMakerImportTests
{
    private static readonly string[] Import = ["--format", "sagemaker-capture", "--model", "diabetes-xgb", "--model-version", "1.3", ImportLedger.Fixture("sagemaker-capture.jsonl")];

    [Fact]
    public async Task Import_SageMakerCapture_LandsInALedgerThatVerifies_WithCountsThatAddUp()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();

        (CliResult result, JsonElement report) = await ledger.ImportAsync(Import);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        await ledger.AssertCountsAsync(report, read: 10, imported: 6, duplicates: 1, bad: 3);
        await ledger.AssertVerifiesAsync();
        Dictionary<string, JsonElement> decisions = await ledger.DecisionsAsync(report.GetProperty("eventSeq").GetInt64());
        Assert.Equal(6, decisions.Count);

        // CSV input kept as text, JSON output parsed, the source's ids and times under importedFrom.
        JsonElement csv = decisions["4651a1bf-4b00-4248-a309-4a18b11e4277"];
        Assert.Equal("6,148,72,35,0,33.6,0.627,50", csv.GetProperty("input").GetProperty("text").GetString());
        Assert.Equal("text/csv", csv.GetProperty("input").GetProperty("contentType").GetString());
        JsonElement entry = csv.GetProperty("entry");
        Assert.Equal(0.85, entry.GetProperty("output").GetProperty("probabilities")[0].GetDouble());
        Assert.Equal("2026-11-20T09:15:02.000000Z", entry.GetProperty("timestamp").GetString());
        Assert.Equal("diabetes-xgb", entry.GetProperty("model").GetProperty("name").GetString());
        JsonElement from = entry.GetProperty("metadata").GetProperty("importedFrom");
        Assert.Equal("sagemaker-capture", from.GetProperty("format").GetString());
        Assert.Equal(report.GetProperty("runId").GetString(), from.GetProperty("runId").GetString());
        Assert.Equal(1, from.GetProperty("line").GetInt64());
        Assert.Equal("2026-11-20T09:15:02Z", from.GetProperty("inferenceTime").GetString());
        Assert.Equal("CSV", from.GetProperty("inputEncoding").GetString());

        // BASE64 JSON is decoded; the ledger's redaction (privacy by default) applies as for live decisions.
        JsonElement base64 = decisions["0b6a1e0c-3f1d-4c55-9f3e-2a7d0c1e9b21"];
        Assert.Equal("[EMAIL]", base64.GetProperty("input").GetProperty("instances")[0].GetProperty("contact").GetString());
        Assert.Contains("detector:email", base64.GetProperty("entry").GetProperty("redactions").GetRawText(), StringComparison.Ordinal);

        // BASE64 bytes that are not UTF-8 are kept whole, as base64.
        JsonElement binary = decisions["5c3e2d1a-9b8f-4e7d-a6c5-b4a392817f60"];
        Assert.Equal("application/x-npy", binary.GetProperty("input").GetProperty("contentType").GetString());
        byte[] npy = Convert.FromBase64String(binary.GetProperty("input").GetProperty("base64").GetString()!);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U' }, npy[..3]);

        // inferenceId is kept beside eventId; an input-only capture says which side is missing.
        Assert.Equal("claim-20261120-0042", decisions["a3f1c9d2-6e5b-4a8c-9d7e-1f2b3c4d5e6f"].GetProperty("entry").GetProperty("metadata").GetProperty("importedFrom").GetProperty("inferenceId").GetString());
        JsonElement inputOnly = decisions["f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e"].GetProperty("entry");
        Assert.Equal("endpointOutput", inputOnly.GetProperty("metadata").GetProperty("importedFrom").GetProperty("missing").GetString());
    }

    [Fact]
    public async Task Import_BadSageMakerLines_AreReportedWithLineAndField_AndTheRestGoesOn()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();

        (CliResult result, JsonElement report) = await ledger.ImportAsync(Import);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        ImportLedger.AssertProblem(report, "line 6", "line", "not valid JSON");
        ImportLedger.AssertProblem(report, "line 7", "line", "not valid UTF-8 (byte 0xE9");
        ImportLedger.AssertProblem(report, "line 8", "captureData.endpointInput.encoding", "'XML' is not CSV, JSON or BASE64");
        Assert.Equal(6, report.GetProperty("imported").GetInt64());
    }

    [Fact]
    public async Task Import_ReRun_SkipsEveryRecordAsADuplicate_AndRecordsTheRun()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();
        (_, JsonElement first) = await ledger.ImportAsync(Import);

        (_, JsonElement again) = await ledger.ImportAsync(Import);

        await ledger.AssertCountsAsync(again, read: 10, imported: 0, duplicates: 7, bad: 3);
        Assert.Equal(first.GetProperty("eventSeq").GetInt64() + 1, again.GetProperty("eventSeq").GetInt64());
        await ledger.AssertVerifiesAsync();
    }

    [Fact]
    public async Task Import_DryRun_CountsEverything_AndWritesNothing()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();
        CliResult before = await CliRun.RunAsync("--json", "query", "--ledger", ledger.Ledger);

        (CliResult result, JsonElement report) = await ledger.ImportAsync([.. Import, "--dry-run"]);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.True(report.GetProperty("dryRun").GetBoolean());
        Assert.False(report.TryGetProperty("eventSeq", out _));
        Assert.Equal(6, report.GetProperty("imported").GetInt64());
        Assert.Equal(1, report.GetProperty("duplicates").GetInt64());
        CliResult after = await CliRun.RunAsync("--json", "query", "--ledger", ledger.Ledger);
        Assert.Equal(before.Out, after.Out);
    }

    [Fact]
    public async Task Import_SageMakerWithoutModel_IsRefusedNamingTheOption()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();

        CliResult result = await CliRun.RunAsync("import", "--ledger", ledger.Ledger, "--format", "sagemaker-capture", ImportLedger.Fixture("sagemaker-capture.jsonl"));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("--model: required", result.Error, StringComparison.Ordinal);
    }
}
