using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary><c>report … --include-archive</c> (issue 16): the reports count the decisions moved to Parquet files as well as the live ones.</summary>
public sealed class ReportIncludeArchiveTests
{
    [Fact]
    public async Task Usage_IncludeArchive_CountsArchivedDecisionsAsBeforeArchiving()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, 300);
        long before = await TotalAsync(temp);

        await ArchivedLedger.ArchiveAsync(temp);
        long liveOnly = await TotalAsync(temp);
        long withArchive = await TotalAsync(temp, "--include-archive");

        Assert.True(before > 0);
        Assert.True(liveOnly < before, $"live only {liveOnly}, before archiving {before}");
        Assert.Equal(before, withArchive);
    }

    [Fact]
    public async Task Usage_IncludeArchive_TamperedFileIsRefusedNamingIt()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, 300);
        Archiving.ArchiveRunResult run = await ArchivedLedger.ArchiveAsync(temp);
        string file = run.Files[0].File;
        List<Archiving.ArchiveRow> rows = await ArchivedLedger.ReadRowsAsync(temp, file);
        rows.RemoveAt(1);
        await ArchivedLedger.WriteRowsAsync(temp, file, rows);

        CliResult result = await CliRun.RunAsync("report", "usage", "--model", "fraud_detector", "--include-archive", "--ledger", temp.Ledger, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VersionTimeline_And_DataAccess_IncludeArchive_Run()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, 300);
        await ArchivedLedger.ArchiveAsync(temp);

        CliResult timeline = await CliRun.RunAsync("report", "version-timeline", "--model", "fraud_detector", "--include-archive", "--ledger", temp.Ledger, "--json");
        CliResult access = await CliRun.RunAsync("report", "data-access", "--include-archive", "--ledger", temp.Ledger, "--json");

        Assert.True(timeline.ExitCode == 0, timeline.ToString());
        Assert.True(access.ExitCode == 0, access.ToString());
    }

    private static async Task<long> TotalAsync(TempLedger temp, params string[] extra)
    {
        CliResult result = await CliRun.RunAsync(["report", "usage", "--model", "fraud_detector", "--ledger", temp.Ledger, "--json", .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Out);
        return document.RootElement.GetProperty("total").GetInt64();
    }
}
