using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests;

/// <summary>
/// Erasure clears fingerprints in the append-only entries table by lifting its update trigger for one
/// statement: afterwards the trigger is back, word for word, and the erased fingerprints are gone from the
/// entries row and from the decision index.
/// </summary>
public sealed class SqliteErasureTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task DeleteInputs_ClearsFingerprintInRowAndIndex_AndTheUpdateTriggerIsBackUnchanged()
    {
        string before;
        await using (var store = new SqliteLedgerStore(DatabasePath))
        {
            await store.OpenAsync();
            await store.AppendAsync(Some.Batch(Some.Entries(0, 3)));
            await store.IndexPendingAsync();
            before = TriggerSql();

            await store.DeleteInputsAsync([1]);
        }

        Assert.Equal(before, TriggerSql());
        using SqliteConnection raw = OpenRaw();
        Assert.Equal(1L, Scalar(raw, "SELECT count(*) FROM entries WHERE seq = 1 AND fingerprint IS NULL AND fingerprint_key IS NULL;"));
        Assert.Equal(1L, Scalar(raw, "SELECT count(*) FROM entry_index WHERE seq = 1 AND fingerprint_key IS NULL;"));
        Assert.Equal(2L, Scalar(raw, "SELECT count(*) FROM entry_index WHERE fingerprint_key IS NOT NULL;"));
        SqliteException refused = Assert.Throws<SqliteException>(() => Scalar(raw, "UPDATE entries SET fingerprint = NULL WHERE seq = 0;"));
        Assert.Contains("entries are append-only", refused.Message, StringComparison.Ordinal);
    }

    private string TriggerSql()
    {
        using SqliteConnection raw = OpenRaw();
        return (string)Scalar(raw, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'entries_no_update';")!;
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
