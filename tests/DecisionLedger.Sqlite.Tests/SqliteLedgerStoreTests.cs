using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests;

public sealed class SqliteLedgerStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("UPDATE entries SET body = x'00' WHERE seq = 1;", "entries are append-only")]
    [InlineData("UPDATE entries SET model = 'other';", "entries are append-only")]
    [InlineData("DELETE FROM entries WHERE seq = 2;", "entries are append-only")]
    [InlineData("UPDATE tiles SET data = x'00';", "tiles are append-only")]
    [InlineData("DELETE FROM tiles;", "tiles are append-only")]
    [InlineData("UPDATE checkpoints SET tree_size = 1;", "checkpoints are append-only")]
    [InlineData("DELETE FROM checkpoints;", "checkpoints are append-only")]
    public async Task Triggers_UpdateOrDeleteThroughRawConnection_Aborted(string sql, string message)
    {
        await SeedAsync(3);
        using SqliteConnection raw = OpenRaw();

        var error = Assert.Throws<SqliteException>(() => Execute(raw, sql));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        await using var store = new SqliteLedgerStore(DatabasePath);
        Assert.Equal(3, (await store.OpenAsync()).Size);
    }

    [Fact]
    public async Task Triggers_DeleteInputsThroughRawConnection_Allowed()
    {
        await SeedAsync(3);
        using SqliteConnection raw = OpenRaw();

        Execute(raw, "DELETE FROM inputs WHERE seq = 1;");

        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        Assert.Null(await store.GetInputAsync(1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public async Task OpenAsync_RowDeletedWithTriggersDropped_ReportsMissingSeq(int deletedSeq)
    {
        await SeedAsync(4);
        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, "DROP TRIGGER entries_no_delete;");
            Execute(raw, $"DELETE FROM entries WHERE seq = {deletedSeq};");
        }

        await using var store = new SqliteLedgerStore(DatabasePath);
        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.OpenAsync().AsTask());

        Assert.Contains($"seq {deletedSeq} missing", error.Message, StringComparison.Ordinal);
        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_AfterTriggerDropped_RestoresIt()
    {
        await SeedAsync(2);
        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, "DROP TRIGGER entries_no_update;");
        }

        await SeedAsync(0);

        using SqliteConnection again = OpenRaw();
        Assert.Throws<SqliteException>(() => Execute(again, "UPDATE entries SET model = 'x';"));
    }

    [Fact]
    public async Task OpenAsync_MissingDirectory_ThrowsNamingPath()
    {
        string path = Path.Combine(_directory.Path, "no-such-dir", "ledger.db");
        await using var store = new SqliteLedgerStore(path);

        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.OpenAsync().AsTask());

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ReadOnlyOptionMissingFile_ThrowsNamingPath()
    {
        await using var store = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true });

        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.OpenAsync().AsTask());

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_ReadOnlyOption_ThrowsNamingPathAndReadsWork()
    {
        await SeedAsync(2);
        await using var store = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true });
        Assert.Equal(2, (await store.OpenAsync()).Size);

        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(Some.Batch(Some.Entries(2, 1))).AsTask());

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await store.GetEntryAsync(1));
    }

    [Fact]
    public async Task OpenAsync_ReadOnlyFile_ThrowsNamingPath()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            // Root ignores file permissions, so the file cannot be made read-only for this process.
            return;
        }

        await SeedAsync(1);
        File.SetUnixFileMode(DatabasePath, UnixFileMode.UserRead);
        try
        {
            await using var store = new SqliteLedgerStore(DatabasePath);
            var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.OpenAsync().AsTask());
            Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(DatabasePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public async Task OpenAsync_NotADatabase_ThrowsNamingPath()
    {
        await File.WriteAllTextAsync(DatabasePath, new string('x', 8192));
        await using var store = new SqliteLedgerStore(DatabasePath);

        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.OpenAsync().AsTask());

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a DecisionLedger database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_NewerSchemaVersion_ThrowsAskingForUpgrade()
    {
        await SeedAsync(0);
        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, "PRAGMA user_version = 99;");
        }

        await using var store = new SqliteLedgerStore(DatabasePath);
        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.OpenAsync().AsTask());

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_NewFile_UsesWalAndSchemaVersion()
    {
        await SeedAsync(0);
        using SqliteConnection raw = OpenRaw();

        Assert.Equal("wal", Scalar(raw, "PRAGMA journal_mode;"));
        Assert.Equal(3L, Scalar(raw, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task AppendAsync_AnotherProcessAppended_ChecksSizeInsideTransaction()
    {
        await using var first = new SqliteLedgerStore(DatabasePath);
        await using var second = new SqliteLedgerStore(DatabasePath);
        await first.OpenAsync();
        await second.OpenAsync();

        await first.AppendAsync(Some.Batch(Some.Entries(0, 3)));
        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => second.AppendAsync(Some.Batch(Some.Entries(0, 3))).AsTask());
        await second.AppendAsync(Some.Batch(Some.Entries(3, 2)));

        Assert.Contains("expected seq 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, await first.GetSizeAsync());
    }

    [Fact]
    public async Task ReadsOnOtherConnections_WhileWriting_SeeOnlyWholeBatches()
    {
        const int Batches = 60;
        const int BatchSize = 50;
        await using var store = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { Synchronous = SqliteSynchronousMode.Normal });
        await store.OpenAsync();
        await using var reader = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true });
        await reader.OpenAsync();
        using var done = new CancellationTokenSource();

        Task writing = Task.Run(async () =>
        {
            for (int b = 0; b < Batches; b++)
            {
                await store.AppendAsync(Some.Batch(Some.Entries((long)b * BatchSize, BatchSize)));
            }
        });
        Task<int> reading = Task.Run(async () =>
        {
            int reads = 0;
            long last = 0;
            while (!writing.IsCompleted || reads == 0)
            {
                long size = await reader.GetSizeAsync();
                Assert.Equal(0, size % BatchSize);
                Assert.True(size >= last);
                last = size;
                var newest = new List<StoredEntry>();
                await foreach (StoredEntry entry in store.QueryAsync(new EntryFilter { Limit = 5 }))
                {
                    newest.Add(entry);
                }

                Assert.True(newest.Count == 0 || newest[0].Seq + 1 >= size);
                reads++;
            }

            return reads;
        });

        await writing;
        int reads = await reading;

        Assert.True(reads > 0);
        Assert.Equal(Batches * BatchSize, await reader.GetSizeAsync());
    }

    [Fact]
    public async Task AppendAsync_BeforeOpen_ThrowsInvalidOperation()
    {
        await using var store = new SqliteLedgerStore(DatabasePath);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync(Some.Batch(Some.Entries(0, 1))).AsTask());
    }

    [Fact]
    public async Task AppendAsync_CheckpointBeyondSize_Rejected()
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();

        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(Some.Batch(Some.Entries(0, 2), Some.Checkpoint(3))).AsTask());

        Assert.Contains("covers 3 entries", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.GetSizeAsync());
    }

    private async Task SeedAsync(int count)
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        long size = (await store.OpenAsync()).Size;
        if (count > 0)
        {
            await store.AppendAsync(Some.Batch(Some.Entries(size, count), Some.Checkpoint(size + count), [(new Merkle.TileId(0, size), Some.Tile(1))]));
        }
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
}
