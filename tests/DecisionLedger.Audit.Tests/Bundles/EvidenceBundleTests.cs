using System.Text;
using System.Text.Json;
using DecisionLedger.Bundles;
using DecisionLedger.Storage;
using DecisionLedger.Tests.Verification;
using DecisionLedger.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Bundles;

public sealed class EvidenceBundleTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dl-bundle-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static InMemoryLedgerStore Ledger() => TestLedger.Create(40, checkpointEvery: 16, seq => seq % 4 == 1 ? "credit_model" : "fraud_detector");

    private async Task<BundleManifest> ExportAsync(EntryFilter? filter)
    {
        var writer = new EvidenceBundleWriter(new FakeTimeProvider(TestLedger.Epoch));
        return await writer.WriteAsync(Ledger(), _directory, TestLedger.Signer.VerifierKey, TestLedger.Origin, filter, "0.1.0-test", null, CancellationToken.None);
    }

    private Task<VerificationReport> VerifyAsync(string? key = null) =>
        new EvidenceBundleVerifier().VerifyAsync(_directory, key ?? TestLedger.Signer.VerifierKey, CancellationToken.None).AsTask();

    private string PathOf(string file) => Path.Combine(_directory, file);

    private void EditLine(string file, int index, Func<string, string> edit)
    {
        List<string> lines = File.ReadAllText(PathOf(file)).Split('\n').ToList();
        lines[index] = edit(lines[index]);
        File.WriteAllText(PathOf(file), string.Join('\n', lines));
    }

    private void RemoveLine(string file, int index)
    {
        List<string> lines = File.ReadAllText(PathOf(file)).Split('\n').ToList();
        lines.RemoveAt(index);
        File.WriteAllText(PathOf(file), string.Join('\n', lines));
    }

    [Fact]
    public async Task WriteAsync_FullExport_WritesNormativeFiles()
    {
        BundleManifest manifest = await ExportAsync(null);

        InMemoryLedgerStore ledger = Ledger();
        Assert.Equal(ledger.Data.Checkpoints[^1].SignedNote, File.ReadAllText(PathOf("checkpoint")));
        Assert.Equal(TestLedger.Signer.VerifierKey + "\n", File.ReadAllText(PathOf("key.vkey")));
        byte[] expectedEntries = ledger.Data.Entries.SelectMany(e => e.CanonicalBytes.Append((byte)'\n')).ToArray();
        Assert.Equal(expectedEntries, File.ReadAllBytes(PathOf("entries.jsonl")));
        Assert.False(File.Exists(PathOf("proofs.jsonl")));
        Assert.Equal(40, File.ReadAllLines(PathOf("inputs.jsonl")).Length);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(PathOf("manifest.json")));
        JsonElement root = json.RootElement;
        Assert.Equal((TestLedger.Origin, 40L, true, 40L), (root.GetProperty("origin").GetString(), root.GetProperty("treeSize").GetInt64(), root.GetProperty("full").GetBoolean(), root.GetProperty("entryCount").GetInt64()));
        Assert.Equal("2026-11-23T12:00:00.000000Z", root.GetProperty("createdAt").GetString());
        Assert.Equal(ledger.Data.Checkpoints[^1].RootHash.ToBase64(), root.GetProperty("rootHash").GetString());
        Assert.Equal(manifest.RootHash, ledger.Data.Checkpoints[^1].RootHash);
    }

    [Fact]
    public async Task WriteAsync_InputLine_HasSeqSaltAndInput()
    {
        await ExportAsync(null);

        string first = File.ReadAllLines(PathOf("inputs.jsonl"))[0];

        Assert.Equal($$"""{"seq":0,"salt":"{{Convert.ToBase64String(TestLedger.Salt(0))}}","input":{{Encoding.UTF8.GetString(TestLedger.Input(0))}}}""", first);
    }

    [Fact]
    public async Task VerifyAsync_FullBundle_Passes()
    {
        await ExportAsync(null);

        VerificationReport report = await VerifyAsync();

        Assert.True(report.Passed, report.FirstFinding?.ToString());
        Assert.Equal((40L, 40L, 1L, 40L), (report.EntriesVerified, report.InputsVerified, report.CheckpointsVerified, report.TreeSize));
    }

    [Fact]
    public async Task VerifyAsync_FilteredBundle_PassesWithProofs()
    {
        BundleManifest manifest = await ExportAsync(new EntryFilter { ModelName = "credit_model" });

        VerificationReport report = await VerifyAsync();

        Assert.True(report.Passed, report.FirstFinding?.ToString());
        Assert.Equal((10L, 10L), (manifest.EntryCount, report.EntriesVerified));
        Assert.Equal(10, File.ReadAllLines(PathOf("proofs.jsonl")).Length);
        Assert.Equal("credit_model", manifest.Filters["modelName"]);
    }

    [Fact]
    public async Task VerifyAsync_FilteredLineEdited_ReportsContentChangedAtItsSeq()
    {
        await ExportAsync(new EntryFilter { ModelName = "credit_model" });
        EditLine("entries.jsonl", 2, line => line.Replace("\"score\":0.5", "\"score\":0.9", StringComparison.Ordinal));

        VerificationReport report = await VerifyAsync();

        Assert.Equal(new { Seq = 9L, Kind = TamperKind.ContentChanged }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }

    [Fact]
    public async Task VerifyAsync_FullLineEdited_ReportsContentChanged()
    {
        await ExportAsync(null);
        EditLine("entries.jsonl", 20, line => line.Replace("\"score\":0.5", "\"score\":0.9", StringComparison.Ordinal));

        VerificationReport report = await VerifyAsync();

        Assert.False(report.Passed);
        Assert.Equal(TamperKind.ContentChanged, report.FirstFinding!.Kind);
    }

    [Fact]
    public async Task VerifyAsync_FullLineDeleted_ReportsEntryDeleted()
    {
        await ExportAsync(null);
        RemoveLine("entries.jsonl", 7);

        VerificationReport report = await VerifyAsync();

        Assert.Equal(new { Seq = 7L, Kind = TamperKind.EntryDeleted }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }

    [Fact]
    public async Task VerifyAsync_ProofMissing_FailsAtThatSeq()
    {
        await ExportAsync(new EntryFilter { ModelName = "credit_model" });
        List<string> proofs = File.ReadAllLines(PathOf("proofs.jsonl")).ToList();
        File.WriteAllLines(PathOf("proofs.jsonl"), proofs.Take(3));

        VerificationReport report = await VerifyAsync();

        Assert.Equal(new { Seq = 13L, Kind = TamperKind.EntryInserted }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
        Assert.Contains("no inclusion proof", report.FirstFinding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_CheckpointSignedByOtherKey_ReportsCheckpointForged()
    {
        await ExportAsync(null);
        string body = File.ReadAllText(PathOf("checkpoint")).Split("\n\n")[0] + "\n";
        File.WriteAllText(PathOf("checkpoint"), DecisionLedger.Checkpoints.SignedNoteFormat.Sign(body, TestLedger.OtherSigner));
        File.WriteAllText(PathOf("key.vkey"), TestLedger.OtherSigner.VerifierKey + "\n");

        VerificationReport report = await VerifyAsync();

        Assert.Equal(TamperKind.CheckpointForged, report.FirstFinding!.Kind);
    }

    [Fact]
    public async Task VerifyAsync_WrongKeyGiven_ReportsCheckpointForged()
    {
        await ExportAsync(null);

        VerificationReport report = await VerifyAsync(TestLedger.OtherSigner.VerifierKey);

        Assert.Equal(TamperKind.CheckpointForged, report.FirstFinding!.Kind);
    }

    [Fact]
    public async Task VerifyAsync_InputEdited_ReportsInputAlteredAtItsSeq()
    {
        await ExportAsync(null);
        EditLine("inputs.jsonl", 5, line => line.Replace("\"amount\":50", "\"amount\":51", StringComparison.Ordinal));

        VerificationReport report = await VerifyAsync();

        Assert.Equal(new { Seq = 5L, Kind = TamperKind.InputAltered }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }

    [Fact]
    public async Task VerifyAsync_FilteredLinesSwapped_ReportsEntriesReordered()
    {
        await ExportAsync(new EntryFilter { ModelName = "credit_model" });
        List<string> lines = File.ReadAllLines(PathOf("entries.jsonl")).ToList();
        (lines[1], lines[2]) = (lines[2], lines[1]);
        File.WriteAllText(PathOf("entries.jsonl"), string.Join('\n', lines) + "\n");

        VerificationReport report = await VerifyAsync();

        Assert.Equal(new { Seq = 5L, Kind = TamperKind.EntriesReordered }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }

    [Fact]
    public async Task VerifyAsync_ManifestTreeSizeEdited_Fails()
    {
        await ExportAsync(null);
        File.WriteAllText(PathOf("manifest.json"), File.ReadAllText(PathOf("manifest.json")).Replace("\"treeSize\": 40", "\"treeSize\": 41", StringComparison.Ordinal));

        VerificationReport report = await VerifyAsync();

        Assert.Equal(TamperKind.CheckpointInconsistent, report.FirstFinding!.Kind);
    }

    [Fact]
    public async Task VerifyAsync_FilteredLineDeleted_ReportsEntryDeletedAtItsSeq()
    {
        await ExportAsync(new EntryFilter { ModelName = "credit_model" });
        RemoveLine("entries.jsonl", 4);

        VerificationReport report = await VerifyAsync();

        Assert.Equal(new { Seq = 17L, Kind = TamperKind.EntryDeleted }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }
}
