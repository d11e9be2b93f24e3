using Microsoft.Data.Sqlite;

namespace DecisionLedger.Cli.Tests;

public sealed class TamperTests
{
    private const string DropTriggers = """
        DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;
        DROP TRIGGER IF EXISTS checkpoints_no_update; DROP TRIGGER IF EXISTS checkpoints_no_delete;
        DROP TRIGGER IF EXISTS tiles_no_update; DROP TRIGGER IF EXISTS tiles_no_delete;
        """;

    [Fact]
    public async Task Verify_RowBodyEdited_ExitsOneNamingSeqAndKind()
    {
        CliResult result = await TamperAsync("UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), 'fraud_detector', 'fraud_detectoR') AS BLOB) WHERE seq = 17;");
        AssertFinding(result, 17, "content-changed");
    }

    [Fact]
    public async Task Verify_RowDeleted_ExitsOneNamingSeqAndKind()
    {
        CliResult result = await TamperAsync("DELETE FROM entries WHERE seq = 9;");
        AssertFinding(result, 9, "entry-deleted");
    }

    [Fact]
    public async Task Verify_BodiesSwapped_ExitsOneNamingFirstSeqAndReordered()
    {
        CliResult result = await TamperAsync("""
            CREATE TEMP TABLE b AS SELECT seq, body, leaf_hash FROM entries WHERE seq IN (4, 5);
            UPDATE entries SET body = (SELECT body FROM b WHERE seq = 5), leaf_hash = (SELECT leaf_hash FROM b WHERE seq = 5) WHERE seq = 4;
            UPDATE entries SET body = (SELECT body FROM b WHERE seq = 4), leaf_hash = (SELECT leaf_hash FROM b WHERE seq = 4) WHERE seq = 5;
            """);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("first bad seq 4: entries-reordered", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TailTruncated_ExitsOneNamingSeqAndKind()
    {
        CliResult result = await TamperAsync("DELETE FROM entries WHERE seq >= 37; DELETE FROM inputs WHERE seq >= 37;");
        AssertFinding(result, 37, "tail-truncated");
    }

    [Fact]
    public async Task Verify_CheckpointSignedByOtherKey_ExitsOneWithCheckpointForged()
    {
        using var other = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "40", "--ledger", other.Ledger);
        string forged = (await CliRun.RunAsync("checkpoint", "--ledger", other.Ledger)).Out;

        CliResult result = await TamperAsync("UPDATE checkpoints SET note = $note;", ("$note", forged));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("checkpoint-forged", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_StoredInputEdited_ExitsOneNamingSeqAndKind()
    {
        CliResult result = await TamperAsync("UPDATE inputs SET input = CAST('{\"amount\":1}' AS BLOB) WHERE seq = 22;");
        AssertFinding(result, 22, "input-altered");
    }

    private static void AssertFinding(CliResult result, long seq, string kind)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"first bad seq {seq}: {kind}", result.Out, StringComparison.Ordinal);
    }

    private static async Task<CliResult> TamperAsync(string sql, params (string Name, object Value)[] parameters)
    {
        using var temp = new TempLedger();
        CliResult demo = await CliRun.RunAsync("demo", "--count", "40", "--ledger", temp.Ledger);
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(0, (await CliRun.RunAsync("verify", "--ledger", temp.Ledger)).ExitCode);

        using (var connection = new SqliteConnection($"Data Source={temp.Database};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = DropTriggers + sql;
            foreach ((string name, object value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            command.ExecuteNonQuery();
        }

        return await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
    }
}
