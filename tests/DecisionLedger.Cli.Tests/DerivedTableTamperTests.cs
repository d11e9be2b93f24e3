using DecisionLedger.Sqlite;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Edits of SQLite's decision index (<c>entry_index</c>), a table derived from the entries that no
/// hash covers: verify must name the seq and the table's column, not pass.
/// </summary>
public sealed class DerivedTableTamperTests
{
    [Theory]
    [InlineData("model", "'other_model'")]
    [InlineData("version", "'9.9.9'")]
    [InlineData("user_id", "'mallory'")]
    [InlineData("tenant", "NULL")]
    [InlineData("subject_key", "subject_key + 1")]
    [InlineData("ts", "ts + 1000000")]
    [InlineData("kind", "'erasure'")]
    [InlineData("model", "42")]
    public async Task Verify_EntryIndexColumnEdited_ReportsIndexMismatchNamingTableColumn(string column, string value)
    {
        using var temp = new TempLedger();
        await CreateIndexedDemoAsync(temp);
        SqliteTamper.Execute(temp, $"UPDATE entry_index SET {column} = {value} WHERE seq = 12;");

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        SqliteTamper.AssertFinding(result, 12, "index-mismatch");
        Assert.Contains($"'entry_index.{column}' column of seq 12", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EntryIndexRowDeleted_ReportsMissingRow()
    {
        using var temp = new TempLedger();
        await CreateIndexedDemoAsync(temp);
        SqliteTamper.Execute(temp, "DELETE FROM entry_index WHERE seq = 7;");

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        SqliteTamper.AssertFinding(result, 7, "index-mismatch");
        Assert.Contains("'entry_index' table has no row for seq 7", result.Out, StringComparison.Ordinal);
    }

    // Two rows' seqs swapped: each row now describes the other entry (the demo's subjects differ).
    [Fact]
    public async Task Verify_EntryIndexSeqsSwapped_ReportsFirstWrongRow()
    {
        using var temp = new TempLedger();
        await CreateIndexedDemoAsync(temp);
        SqliteTamper.Execute(temp, "UPDATE entry_index SET seq = -1 WHERE seq = 3; UPDATE entry_index SET seq = 3 WHERE seq = 9; UPDATE entry_index SET seq = 9 WHERE seq = -1;");

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        SqliteTamper.AssertFinding(result, 3, "index-mismatch");
        Assert.Contains("'entry_index.", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1_000_000)]
    [InlineData(40)]
    [InlineData(-5)]
    public async Task Verify_EntryIndexRowPointingNowhere_ReportsStrayRow(long seq)
    {
        using var temp = new TempLedger();
        await CreateIndexedDemoAsync(temp);
        SqliteTamper.Execute(temp, $"INSERT INTO entry_index(seq, model, version, user_id, tenant, subject_key, fingerprint_key, ts, kind) SELECT {seq}, model, version, user_id, tenant, subject_key, fingerprint_key, ts, kind FROM entry_index WHERE seq = 4;");

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        SqliteTamper.AssertFinding(result, seq, "index-mismatch");
        Assert.Contains("'entry_index.seq' column", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_IndexWatermarkRaisedPastEntries_ReportsWatermark()
    {
        using var temp = new TempLedger();
        await CreateIndexedDemoAsync(temp);
        SqliteTamper.Execute(temp, "UPDATE index_state SET watermark = 500 WHERE id = 0;");

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        SqliteTamper.AssertFinding(result, 500, "index-mismatch");
        Assert.Contains("'index_state.watermark' column", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UntouchedLedger_StillPasses()
    {
        using var temp = new TempLedger();
        await CreateIndexedDemoAsync(temp, 300);

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    // The background indexer of a short 'demo' may stop before it ran; index every entry now, so
    // each test starts from a ledger whose index is complete (watermark = size).
    private static async Task CreateIndexedDemoAsync(TempLedger temp, int count = 40)
    {
        await SqliteTamper.CreateDemoAsync(temp, count);
        await using (var store = new SqliteLedgerStore(temp.Database))
        {
            await store.OpenAsync();
            await store.IndexPendingAsync();
            Assert.Equal(count, await store.GetIndexedSizeAsync());
        }

        Assert.Equal((long)count, SqliteTamper.Scalar(temp, "SELECT count(*) FROM entry_index;"));
    }
}
