using DecisionLedger.Storage;
using DecisionLedger.Store.ContractTests;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests;

/// <summary>
/// The deferred indexer on real files: it follows appends in the background, catches up after a
/// restart from its watermark without indexing anything twice, and upgrades a version 1 ledger.
/// </summary>
public sealed class SqliteIndexerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AppendAsync_DeferredMode_BackgroundIndexerReachesTheHead()
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        for (int i = 0; i < 10; i++)
        {
            await store.AppendAsync(Some.Batch(Some.Entries(i * 500, 500)));
        }

        await WaitForIndexAsync(store, 5000);

        AssertIndexedOnce(5000);
        Assert.Equal([4999L, 4998L], (await ToListAsync(store.QueryAsync(new EntryFilter { ModelName = "fraud_detector", Limit = 2 }))).Select(e => e.Seq));
    }

    [Fact]
    public async Task OpenAsync_IndexLaggingAfterRestart_CatchesUpFromWatermarkIndexingNothingTwice()
    {
        await using (var paused = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { IndexerPaused = true }))
        {
            await paused.OpenAsync();
            await paused.AppendAsync(Some.Batch(Some.Entries(0, 300)));
            Assert.Equal(300, await paused.IndexPendingAsync());
            await paused.AppendAsync(Some.Batch(Some.Entries(300, 700)));
            Assert.Equal(300, await paused.GetIndexedSizeAsync());
        }

        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        await WaitForIndexAsync(store, 1000);

        AssertIndexedOnce(1000);
        Assert.Equal(0, await store.IndexPendingAsync());
    }

    [Fact]
    public async Task OpenAsync_SynchronousMode_IndexesEachCommitAndCatchesUpALaggingFile()
    {
        await using (var paused = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { IndexerPaused = true }))
        {
            await paused.OpenAsync();
            await paused.AppendAsync(Some.Batch(Some.Entries(0, 40)));
        }

        await using var store = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { IndexMode = SqliteIndexMode.Synchronous });
        await store.OpenAsync();
        Assert.Equal(40, await store.GetIndexedSizeAsync());
        await store.AppendAsync(Some.Batch(Some.Entries(40, 10)));

        Assert.Equal(50, await store.GetIndexedSizeAsync());
        AssertIndexedOnce(50);
    }

    [Fact]
    public async Task OpenAsync_Version1Ledger_DropsItsEntryIndexesAndIndexesEveryEntryOnce()
    {
        StoredEntry[] entries = Some.Entries(0, 200);
        await using (var store = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { IndexerPaused = true }))
        {
            await store.OpenAsync();
            await store.AppendAsync(Some.Batch(entries));
        }

        // What version 1 left: the same entries table, its seven indexes on it, no index tables.
        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, """
                DROP TABLE entry_index; DROP TABLE index_state; DROP TABLE field_paths;
                CREATE TABLE field_paths(model TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY(model, path)) WITHOUT ROWID;
                CREATE INDEX ix_entries_model ON entries(model, version, seq);
                CREATE INDEX ix_entries_user ON entries(user_id, seq);
                CREATE INDEX ix_entries_ts ON entries(ts);
                PRAGMA user_version = 1;
                """);
        }

        await using (var readOnly = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true }))
        {
            await readOnly.OpenAsync();
            Assert.Equal(0, await readOnly.GetIndexedSizeAsync());
            Assert.Equal([199L, 198L], (await ToListAsync(readOnly.QueryAsync(new EntryFilter { UserId = "analyst_jane", Limit = 2 }))).Select(e => e.Seq));
        }

        await using (var upgraded = new SqliteLedgerStore(DatabasePath))
        {
            await upgraded.OpenAsync();
            await WaitForIndexAsync(upgraded, 200);
            StoreAssert.Equal(entries, await ToListAsync(upgraded.ReadEntriesAsync(0, 200)));
            Assert.Equal(["input.amount", "input.merchant", "model.name", "model.version", "output.score"], await upgraded.GetFieldPathsAsync(null));
        }

        using SqliteConnection check = OpenRaw();
        Assert.Equal(3L, Scalar(check, "PRAGMA user_version;"));
        Assert.Equal(0L, Scalar(check, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'ix_entries_%';"));
        AssertIndexedOnce(200);
    }

    private static async Task WaitForIndexAsync(SqliteLedgerStore store, long size)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await store.GetIndexedSizeAsync() < size)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private void AssertIndexedOnce(long size)
    {
        using SqliteConnection raw = OpenRaw();
        Assert.Equal(size, Scalar(raw, "SELECT watermark FROM index_state;"));
        Assert.Equal(size, Scalar(raw, "SELECT count(*) FROM entry_index;"));
        Assert.Equal(size, Scalar(raw, "SELECT count(DISTINCT seq) FROM entry_index WHERE seq >= 0 AND seq < " + size + ";"));
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (T item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
