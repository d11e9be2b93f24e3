namespace DecisionLedger.Cli.Tests;

/// <summary>A damaged database file is evidence of tampering or damage: verify fails (exit 1), never a store error (exit 3).</summary>
public sealed class PageCorruptionTests
{
    [Fact]
    public async Task Verify_RandomPageCorruptions_ExitOneOrPass_NeverStoreFailure()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, 300);
        CliResult stopped = await CliRun.RunAsync("checkpoint", "--ledger", temp.Ledger);
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        string wal = temp.Database + "-wal";
        if (File.Exists(wal) && new FileInfo(wal).Length > 0)
        {
            // Fold the WAL into the file so the pages corrupted below are the ones read.
            SqliteTamper.Execute(temp, "PRAGMA wal_checkpoint(TRUNCATE);");
        }

        byte[] original = await File.ReadAllBytesAsync(temp.Database);
        const int PageSize = 4096;
        int pages = original.Length / PageSize;
        var random = new Random(12);
        var outcomes = new List<string>();
        for (int trial = 0; trial < 30; trial++)
        {
            byte[] damaged = (byte[])original.Clone();
            int page = random.Next(1, pages);
            int offset = (page * PageSize) + (trial % 2 == 0 ? 0 : random.Next(0, PageSize - 64));
            random.NextBytes(damaged.AsSpan(offset, trial % 2 == 0 ? 12 : 64));
            await File.WriteAllBytesAsync(temp.Database, damaged);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

            outcomes.Add($"page {page}: exit {result.ExitCode} {result.Error.Trim()} {result.Out.Split('\n').Skip(1).FirstOrDefault()}");
            Assert.True(result.ExitCode is 0 or 1, string.Join('\n', outcomes));
        }

        Assert.Contains(outcomes, o => o.Contains("exit 1", StringComparison.Ordinal));
    }
}
