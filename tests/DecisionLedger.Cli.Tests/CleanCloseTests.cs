namespace DecisionLedger.Cli.Tests;

/// <summary>After a clean stop the database file alone holds the whole ledger: the WAL was checkpointed into it.</summary>
public sealed class CleanCloseTests
{
    [Fact]
    public async Task Record_CleanStop_LedgerDbAloneHoldsEveryEntryAndVerifies()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);

        // A reader beside the recorder (a query, the dashboard, another CLI) that closes after it:
        // the last connection to close is then a read-only one, which cannot checkpoint the WAL.
        using (var reader = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={temp.Database};Mode=ReadOnly;Pooling=False"))
        {
            reader.Open();
            using (var query = reader.CreateCommand())
            {
                query.CommandText = "SELECT count(*) FROM sqlite_master;";
                query.ExecuteScalar();
            }

            CliResult record = await CliRun.RunWithInputAsync(Some.DecisionLines(300), null, "record", "-", "--ledger", temp.Ledger);
            Assert.True(record.ExitCode == 0, record.ToString());
        }

        // A copy of the directory without the WAL and shared-memory files: what a file backup of
        // ledger.db (and the keys beside it) would hold.
        string copy = Path.Combine(temp.Root, "copy");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(temp.Ledger))
        {
            string name = Path.GetFileName(file);
            if (!name.EndsWith("-wal", StringComparison.Ordinal) && !name.EndsWith("-shm", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(copy, name));
            }
        }

        Assert.True(new FileInfo(temp.Database + "-wal") is { Exists: false } or { Length: 0 }, "a clean stop leaves no data in the WAL");
        Assert.True(new FileInfo(temp.Database).Length > 16384, "the entries are in ledger.db itself");
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", copy);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("tree size 300,", verify.Out, StringComparison.Ordinal);
    }
}
