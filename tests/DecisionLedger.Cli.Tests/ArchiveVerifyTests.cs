using System.Text;
using System.Text.Json;
using DecisionLedger.Archiving;

namespace DecisionLedger.Cli.Tests;

/// <summary><c>dledger verify</c> over the live store plus the archive files: every archived entry checked as a live one, and every tamper with the files named by file and seq.</summary>
public sealed class ArchiveVerifyTests
{
    [Fact]
    public async Task Verify_Passes_AfterArchive_WithTheBodiesGoneFromTheLiveStore()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        Assert.True(run.RemovedRows > 0);
        long live = (long)SqliteTamper.Scalar(temp, $"SELECT COUNT(*) FROM entries WHERE seq BETWEEN {run.FirstSeq} AND {run.LastSeq}")!;
        Assert.True(live < run.LastSeq - run.FirstSeq + 1, $"{live} rows left of the archived range");

        CliResult verified = await CliRun.RunAsync("--json", "verify", "--ledger", temp.Ledger);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        using JsonDocument report = JsonDocument.Parse(verified.Out);
        long treeSize = report.RootElement.GetProperty("treeSize").GetInt64();
        Assert.Equal(treeSize, report.RootElement.GetProperty("entriesVerified").GetInt64());
        Assert.True(report.RootElement.GetProperty("inputsVerified").GetInt64() > 0);
    }

    [Fact]
    public async Task Verify_NamesFileAndSeq_WhenAnArchivedRowIsEdited()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        string file = run.Files[0].File;
        List<ArchiveRow> rows = await ArchivedLedger.ReadRowsAsync(temp, file);
        ArchiveRow target = rows[1];
        string edited = Encoding.UTF8.GetString(target.Entry).Replace("\"timestamp\":\"", "\"timestamp\":\"1", StringComparison.Ordinal);
        rows[1] = target with { Entry = Encoding.UTF8.GetBytes(edited) };
        await ArchivedLedger.WriteRowsAsync(temp, file, rows);

        await ArchivedLedger.AssertFindingAsync(temp, target.Seq, "content-changed", file);
    }

    [Fact]
    public async Task Verify_NamesFileAndSeq_WhenAnArchivedRowIsDropped()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        string file = run.Files[0].File;
        List<ArchiveRow> rows = await ArchivedLedger.ReadRowsAsync(temp, file);
        long dropped = rows[2].Seq;
        rows.RemoveAt(2);
        await ArchivedLedger.WriteRowsAsync(temp, file, rows);

        await ArchivedLedger.AssertFindingAsync(temp, dropped, "entry-deleted", file);
    }

    [Fact]
    public async Task Verify_NamesFileAndSeq_WhenArchivedRowsAreReordered()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        string file = run.Files[0].File;
        List<ArchiveRow> rows = await ArchivedLedger.ReadRowsAsync(temp, file);
        (rows[1], rows[2]) = (rows[2], rows[1]);
        await ArchivedLedger.WriteRowsAsync(temp, file, rows);

        await ArchivedLedger.AssertFindingAsync(temp, rows[2].Seq, "entries-reordered", file);
    }

    [Fact]
    public async Task Verify_ReportsArchiveMismatch_WhenAFileIsSwappedForOtherBytesWithTheSameRows()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        ArchivedFile file = run.Files[0];
        List<ArchiveRow> rows = await ArchivedLedger.ReadRowsAsync(temp, file.File);
        await ArchivedLedger.WriteRowsAsync(temp, file.File, rows, Parquet.CompressionMethod.Snappy);

        await ArchivedLedger.AssertFindingAsync(temp, rows[0].Seq, "archive-mismatch", file.File);
    }

    [Fact]
    public async Task Verify_ReportsArchiveMissing_WhenAListedFileIsGone()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        ArchivedFile file = run.Files[^1];
        long first = (await ArchivedLedger.ReadRowsAsync(temp, file.File))[0].Seq;
        File.Delete(ArchivedLedger.PathOf(temp, file.File));

        await ArchivedLedger.AssertFindingAsync(temp, first, "archive-missing", file.File);
    }

    [Fact]
    public async Task Verify_ReportsArchiveUnlisted_WhenAFileNoEventListsIsAdded()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        string extra = "intruder/2020-01/000000000000-000000000000.parquet";
        Directory.CreateDirectory(Path.GetDirectoryName(ArchivedLedger.PathOf(temp, extra))!);
        File.Copy(ArchivedLedger.PathOf(temp, run.Files[0].File), ArchivedLedger.PathOf(temp, extra));

        await ArchivedLedger.AssertFindingAsync(temp, 0, "archive-unlisted", extra);
    }

    [Fact]
    public async Task Verify_ReportsManifestForged_WhenAManifestIsEdited()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        ArchivedFile file = run.Files[0];
        string manifestPath = ArchivedLedger.PathOf(temp, ArchivePaths.ManifestPath(file.File));
        string note = await File.ReadAllTextAsync(manifestPath);
        await File.WriteAllTextAsync(manifestPath, note.Replace("\"rows\":", "\"rows\":1", StringComparison.Ordinal));
        long first = (await ArchivedLedger.ReadRowsAsync(temp, file.File))[0].Seq;

        await ArchivedLedger.AssertFindingAsync(temp, first, "archive-manifest-forged", file.File);
    }

    [Fact]
    public async Task Verify_ReportsInputAltered_WhenAnArchivedInputIsEdited()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        string file = run.Files[0].File;
        List<ArchiveRow> rows = await ArchivedLedger.ReadRowsAsync(temp, file);
        int at = rows.FindIndex(r => r.Input is not null);
        rows[at] = rows[at] with { Input = Encoding.UTF8.GetBytes("{\"amount\":1}") };
        await ArchivedLedger.WriteRowsAsync(temp, file, rows);

        await ArchivedLedger.AssertFindingAsync(temp, rows[at].Seq, "input-altered", file);
    }
}
