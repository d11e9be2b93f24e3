using Microsoft.Data.Sqlite;

namespace DecisionLedger.Cli.Tests;

/// <summary>Edits a demo ledger's SQLite file the way an attacker with write access to it would (triggers dropped first).</summary>
internal static class SqliteTamper
{
    private const string DropTriggers = """
        DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;
        DROP TRIGGER IF EXISTS checkpoints_no_update; DROP TRIGGER IF EXISTS checkpoints_no_delete;
        DROP TRIGGER IF EXISTS tiles_no_update; DROP TRIGGER IF EXISTS tiles_no_delete;
        """;

    /// <summary>Records a verified demo ledger of <paramref name="count"/> decisions.</summary>
    public static async Task CreateDemoAsync(TempLedger temp, int count = 40)
    {
        CliResult demo = await CliRun.RunAsync("demo", "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ledger", temp.Ledger);
        Assert.True(demo.ExitCode == 0, demo.ToString());
        CliResult verified = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verified.ExitCode == 0, verified.ToString());
    }

    /// <summary>Runs <paramref name="sql"/> against the ledger's database with the append-only triggers dropped.</summary>
    public static void Execute(TempLedger temp, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={temp.Database};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = DropTriggers + sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    /// <summary>Reads one value from the ledger's database.</summary>
    public static object? Scalar(TempLedger temp, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={temp.Database};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Asserts verify exited 1 naming <paramref name="seq"/> and <paramref name="kind"/>.</summary>
    public static void AssertFinding(CliResult result, long seq, string kind)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"first bad seq {seq}: {kind}", result.Out, StringComparison.Ordinal);
    }
}
