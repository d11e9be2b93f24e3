using System.Text;
using System.Text.Json;
using DecisionLedger.Archiving;

namespace DecisionLedger.Cli.Tests;

/// <summary>show, export, subject-report and erase of archived decisions, and the offline <c>verify --archive</c> check.</summary>
public sealed class ArchiveReadTests
{
    [Fact]
    public async Task Show_ReadsAnArchivedSeqFromItsFile_WithInputAndVerifiedProof()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        ArchiveRow row = (await ArchivedLedger.ReadRowsAsync(temp, run.Files[0].File)).First(r => r.Input is not null);
        Assert.Equal(0L, (long)SqliteTamper.Scalar(temp, $"SELECT COUNT(*) FROM entries WHERE seq = {row.Seq}")!);

        CliResult shown = await CliRun.RunAsync("--json", "show", "--seq", row.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ledger", temp.Ledger);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        using JsonDocument document = JsonDocument.Parse(shown.Out);
        Assert.Equal(row.RequestId, document.RootElement.GetProperty("requestId").GetString());
        Assert.Equal(Encoding.UTF8.GetString(row.Input!), document.RootElement.GetProperty("input").GetRawText());
        Assert.Equal("verified", document.RootElement.GetProperty("proof").GetProperty("status").GetString());

        CliResult byId = await CliRun.RunAsync("show", row.RequestId, "--ledger", temp.Ledger);
        Assert.True(byId.ExitCode == 0, byId.ToString());
    }

    [Fact]
    public async Task Show_RefusesAnArchivedSeq_WhenItsFileWasSwapped()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        List<ArchiveRow> rows = await ArchivedLedger.ReadRowsAsync(temp, run.Files[0].File);
        await ArchivedLedger.WriteRowsAsync(temp, run.Files[0].File, rows, Parquet.CompressionMethod.Snappy);

        CliResult shown = await CliRun.RunAsync("show", "--seq", rows[0].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ledger", temp.Ledger);
        Assert.True(shown.ExitCode == 1, shown.ToString());
        Assert.Contains(run.Files[0].File, shown.Error + shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportAndSubjectReport_IncludeArchivedDecisions_AndTheBundleVerifies()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        ArchiveRow row = (await ArchivedLedger.ReadRowsAsync(temp, run.Files[0].File)).First(r => r.Subject is not null);
        string bundle = Path.Combine(temp.Root, "bundle");

        CliResult exported = await CliRun.RunAsync("export", "--subject", row.Subject!, "--out", bundle, "--ledger", temp.Ledger);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.Contains(row.RequestId, await File.ReadAllTextAsync(Path.Combine(bundle, "entries.jsonl")), StringComparison.Ordinal);
        string key = (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim();
        CliResult verified = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", key);
        Assert.True(verified.ExitCode == 0, verified.ToString());

        CliResult report = await CliRun.RunAsync("--json", "subject-report", "--subject", row.Subject!, "--ledger", temp.Ledger);
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains(row.RequestId, report.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erase_RewritesArchiveFilesWithoutTheSubjectsInputs_AndVerifyStillPasses()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        ArchiveRow row = (await ArchivedLedger.ReadRowsAsync(temp, run.Files[0].File)).First(r => r.Subject is not null && r.Input is not null);
        byte[] before = await File.ReadAllBytesAsync(ArchivedLedger.PathOf(temp, run.Files[0].File));

        CliResult erased = await CliRun.RunAsync("--json", "erase", "--subject", row.Subject!, "--reason", "GDPR Art. 17 request", "--by", "dpo", "--ledger", temp.Ledger);
        Assert.True(erased.ExitCode == 0, erased.ToString());
        using (JsonDocument document = JsonDocument.Parse(erased.Out))
        {
            Assert.True(document.RootElement.GetProperty("archivedInputsErased").GetInt32() > 0);
        }

        List<ArchiveRow> after = await ArchivedLedger.ReadRowsAsync(temp, run.Files[0].File);
        Assert.All(after.Where(r => r.Subject == row.Subject), r => Assert.Null(r.Input));
        Assert.Equal(row.Entry, after.Single(r => r.Seq == row.Seq).Entry);
        Assert.NotEqual(before, await File.ReadAllBytesAsync(ArchivedLedger.PathOf(temp, run.Files[0].File)));

        // The input's bytes are gone from every archive file (Zstd-compressed, so read back through the reader too).
        foreach (ArchivedFile file in run.Files)
        {
            Assert.DoesNotContain(await ArchivedLedger.ReadRowsAsync(temp, file.File), r => r.Input is { } input && input.AsSpan().SequenceEqual(row.Input));
        }

        CliResult verified = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        CliResult offline = await CliRun.RunAsync("verify", "--archive", ArchivedLedger.Directory(temp), "--ledger", temp.Ledger);
        Assert.True(offline.ExitCode == 0, offline.ToString());

        // Any other change to the rewritten file is still caught.
        List<ArchiveRow> tampered = [.. after];
        tampered[0] = tampered[0] with { Entry = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(tampered[0].Entry).Replace("\"timestamp\":\"", "\"timestamp\":\"1", StringComparison.Ordinal)) };
        await ArchivedLedger.WriteRowsAsync(temp, run.Files[0].File, tampered);
        await ArchivedLedger.AssertFindingAsync(temp, tampered[0].Seq, "content-changed", run.Files[0].File);
    }

    [Fact]
    public async Task Erase_IsRefused_WhileALegalHoldCoversTheSubject()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        ArchiveRow row = (await ArchivedLedger.ReadRowsAsync(temp, run.Files[0].File)).First(r => r.Subject is not null && r.Input is not null);
        string config = Path.Combine(temp.Ledger, "ledger.json");
        JsonDocument original = JsonDocument.Parse(await File.ReadAllTextAsync(config));
        var edited = new Dictionary<string, JsonElement>();
        foreach (JsonProperty property in original.RootElement.EnumerateObject())
        {
            edited[property.Name] = property.Value;
        }

        edited["retention"] = JsonDocument.Parse($"{{\"holds\":[{{\"subject\":\"{row.Subject}\",\"reason\":\"litigation 2026-17\"}}]}}").RootElement;
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(edited));

        CliResult erased = await CliRun.RunAsync("erase", "--subject", row.Subject!, "--reason", "GDPR Art. 17 request", "--by", "dpo", "--ledger", temp.Ledger);
        Assert.True(erased.ExitCode == 2, erased.ToString());
        Assert.Contains("litigation 2026-17", erased.Error, StringComparison.Ordinal);
        Assert.NotNull((await ArchivedLedger.ReadRowsAsync(temp, run.Files[0].File)).Single(r => r.Seq == row.Seq).Input);
    }

    [Fact]
    public async Task VerifyArchive_PassesOffline_WithAndWithoutTiles_AndNamesAnEditedRowAgainstTheTiles()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        string tiles = Path.Combine(temp.Root, "tiles");
        CliResult exported = await CliRun.RunAsync("export", "--tiles", tiles, "--ledger", temp.Ledger);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        string key = (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim();
        string archive = ArchivedLedger.Directory(temp);

        CliResult plain = await CliRun.RunAsync("verify", "--archive", archive, "--key", key);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        CliResult withTiles = await CliRun.RunAsync("verify", "--archive", archive, "--key", key, "--tiles", tiles);
        Assert.True(withTiles.ExitCode == 0, withTiles.ToString());
        CliResult oneFile = await CliRun.RunAsync("verify", "--archive", ArchivedLedger.PathOf(temp, run.Files[0].File), "--key", key, "--tiles", tiles);
        Assert.True(oneFile.ExitCode == 0, oneFile.ToString());

        List<ArchiveRow> rows = await ArchivedLedger.ReadRowsAsync(temp, run.Files[0].File);
        rows[1] = rows[1] with { Entry = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(rows[1].Entry).Replace("\"timestamp\":\"", "\"timestamp\":\"1", StringComparison.Ordinal)) };
        await ArchivedLedger.WriteRowsAsync(temp, run.Files[0].File, rows);

        CliResult named = await CliRun.RunAsync("verify", "--archive", archive, "--key", key, "--tiles", tiles);
        SqliteTamper.AssertFinding(named, rows[1].Seq, "content-changed");
        Assert.Contains(run.Files[0].File, named.Out, StringComparison.Ordinal);
        CliResult withoutTiles = await CliRun.RunAsync("verify", "--archive", archive, "--key", key);
        Assert.True(withoutTiles.ExitCode == 1, withoutTiles.ToString());
        Assert.Contains(run.Files[0].File, withoutTiles.Out, StringComparison.Ordinal);
    }
}
