using DecisionLedger.Storage;
using DecisionLedger.Store.ContractTests;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>PostgreSQL-specific behaviour: roles and grants, append-only triggers, migrations, partitions, tail checks and error messages.</summary>
public sealed class PostgreSqlLedgerStoreTests : IAsyncLifetime
{
    private const string Password = "app-secret";
    private readonly string _schema = PostgresServer.NewSchemaName();
    private readonly string _role = PostgresServer.NewRoleName();
    private string _owner = string.Empty;
    private string _app = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            return;
        }

        _owner = await PostgresServer.OwnerConnectionStringAsync();
        _app = await PostgresServer.ConnectionStringForAsync(_role, Password);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            return;
        }

        await PostgresServer.DropSchemaAsync(_schema);
        await PostgresServer.DropRoleAsync(_role);
    }

    [PostgresFact]
    public async Task AppRole_UpdateAndDeleteOfEntries_RefusedByPostgreSql()
    {
        await MigrateAndGrantAsync();
        await using (PostgreSqlLedgerStore store = await OpenAsync(_app))
        {
            await store.AppendAsync(Some.Batch(Some.Entries(0, 3)));
        }

        foreach (string sql in new[]
        {
            $"UPDATE \"{_schema}\".entries SET model = 'forged' WHERE seq = 1;",
            $"DELETE FROM \"{_schema}\".entries WHERE seq = 1;",
            $"UPDATE \"{_schema}\".request_ids SET seq = 9 WHERE seq = 1;",
            $"DELETE FROM \"{_schema}\".checkpoints;",
            $"DELETE FROM \"{_schema}\".tiles;",
            $"TRUNCATE \"{_schema}\".entries;",
        })
        {
            PostgresException error = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(_app, sql));
            Assert.Equal("42501", error.SqlState);
            Assert.Contains("permission denied", error.MessageText, StringComparison.Ordinal);
        }

        await using PostgreSqlLedgerStore reopened = await OpenAsync(_app);
        Assert.Equal(3, (await reopened.OpenAsync()).Size);
        Assert.Equal("fraud_detector", (await reopened.GetEntryAsync(1))!.Columns.ModelName);
    }

    [PostgresFact]
    public async Task Owner_UpdateDeleteTruncateOfEntries_RefusedByTriggers()
    {
        await using (PostgreSqlLedgerStore store = await OpenAsync(_owner, migrateOnOpen: true))
        {
            await store.AppendAsync(Some.Batch(Some.Entries(0, 3), Some.Checkpoint(3), [(new Merkle.TileId(0, 0), Some.Tile(1))]));
        }

        foreach (string sql in new[]
        {
            $"UPDATE \"{_schema}\".entries SET model = 'forged' WHERE seq = 1;",
            $"DELETE FROM \"{_schema}\".entries WHERE seq = 1;",
            $"DELETE FROM \"{_schema}\".request_ids WHERE seq = 2;",
            $"UPDATE \"{_schema}\".checkpoints SET tree_size = 1;",
            $"UPDATE \"{_schema}\".tiles SET data = '\\x00';",
            $"TRUNCATE \"{_schema}\".entries;",
            $"TRUNCATE \"{_schema}\".checkpoints;",
        })
        {
            PostgresException error = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(_owner, sql));
            Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        }
    }

    [PostgresFact]
    public async Task AppRole_AppendsReadsAndErases_WithItsGrantsOnly()
    {
        await MigrateAndGrantAsync();
        await using PostgreSqlLedgerStore store = await OpenAsync(_app);
        await store.AppendAsync(Some.Batch(Some.Entries(0, 4), Some.Checkpoint(4)));

        Assert.Equal(2, await store.DeleteInputsAsync([1, 2]));
        await store.GetOrCreateSubjectKeysAsync(new Dictionary<string, byte[]> { ["s"] = [1, 2, 3] });
        Assert.True(await store.DeleteSubjectKeyAsync("s"));
        Assert.Null(await store.GetInputAsync(1));
        Assert.Equal(4, await store.GetSizeAsync());
    }

    [PostgresFact]
    public async Task Migrate_RunTwice_AppliesOnceAndRecordsVersion()
    {
        var migrator = new PostgreSqlLedgerMigrator(_owner, _schema);

        Assert.Equal(PostgreSqlSchema.Migrations.Count, await migrator.MigrateAsync());
        Assert.Equal(0, await migrator.MigrateAsync());
        await migrator.GrantApplicationRoleAsync(_role, Password);
        await migrator.GrantApplicationRoleAsync(_role, Password);

        await using var connection = new NpgsqlConnection(_owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*), max(version) FROM \"{_schema}\".schema_migrations;", connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(PostgreSqlSchema.Migrations.Count, reader.GetInt64(0));
        Assert.Equal(PostgreSqlLedgerMigrator.LatestVersion, reader.GetInt32(1));
    }

    [PostgresFact]
    public async Task Open_UnmigratedSchemaWithoutMigrateOnOpen_SaysToRunMigrations()
    {
        await using var store = new PostgreSqlLedgerStore(_owner, new PostgreSqlLedgerStoreOptions { Schema = _schema });

        LedgerStoreException error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.OpenAsync().AsTask());

        Assert.Contains("dledger migrate", error.Message, StringComparison.Ordinal);
        Assert.Contains(_schema, error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Append_EntriesInSeveralMonths_CreatesMonthlyPartitionsAndKeepsRequestIdsUnique()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
        await using PostgreSqlLedgerStore store = await OpenAsync(_owner, migrateOnOpen: true, clock);
        StoredEntry[] entries =
        [
            Some.Entry(0, timestamp: new DateTimeOffset(2024, 1, 31, 23, 59, 59, TimeSpan.Zero)),
            Some.Entry(1, timestamp: new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero)),
            Some.Entry(2, timestamp: new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)),
        ];

        await store.AppendAsync(Some.Batch(entries));
        await Assert.ThrowsAsync<LedgerStoreException>(() =>
            store.AppendAsync(Some.Batch([Some.Entry(3, requestId: Some.RequestIdOf(0), timestamp: new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero))])).AsTask());

        string[] partitions = await PartitionsAsync();
        Assert.Equal(["entries_202401", "entries_202402", "entries_202506", "entries_202611", "entries_202612", "entries_202701"], partitions);
        Assert.Equal(3, await store.GetSizeAsync());
        StoreAssert.Equal(entries[1], (await ToListAsync(store.QueryAsync(new EntryFilter { From = entries[1].Columns.Timestamp, To = entries[2].Columns.Timestamp })))[0]);
    }

    [PostgresFact]
    public async Task Open_EntryDeletedBehindTheTriggers_ReportsDamagedTailWithSeq()
    {
        await using (PostgreSqlLedgerStore store = await OpenAsync(_owner, migrateOnOpen: true))
        {
            await store.AppendAsync(Some.Batch(Some.Entries(0, 5), Some.Checkpoint(2)));
        }

        await PostgresServer.ExecuteAsync(_owner,
            $"ALTER TABLE \"{_schema}\".entries DISABLE TRIGGER USER; DELETE FROM \"{_schema}\".entries WHERE seq = 3; ALTER TABLE \"{_schema}\".entries ENABLE TRIGGER USER;");
        await using PostgreSqlLedgerStore reopened = new(_owner, new PostgreSqlLedgerStoreOptions { Schema = _schema });

        LedgerStoreException error = await Assert.ThrowsAsync<LedgerStoreException>(() => reopened.OpenAsync().AsTask());

        Assert.Contains("seq 3 missing from entries", error.Message, StringComparison.Ordinal);
        Assert.Contains("dledger verify", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Open_ServerUnreachable_NamesServerAndSaysWhatFailed()
    {
        string unreachable = new NpgsqlConnectionStringBuilder(_owner) { Port = 1, Timeout = 2 }.ConnectionString;
        await using var store = new PostgreSqlLedgerStore(unreachable, new PostgreSqlLedgerStoreOptions { Schema = _schema });

        LedgerStoreException error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.OpenAsync().AsTask());

        Assert.Contains("127.0.0.1:1/dledger_tests", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not open the ledger", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Password", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [PostgresFact]
    public async Task Open_WrongPassword_SaysTheLoginWasRefused()
    {
        await MigrateAndGrantAsync();
        string wrong = await PostgresServer.ConnectionStringForAsync(_role, "not-the-password");
        await using var store = new PostgreSqlLedgerStore(wrong, new PostgreSqlLedgerStoreOptions { Schema = _schema });

        LedgerStoreException error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.OpenAsync().AsTask());

        Assert.Contains("refused the login", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BadSchemaOrConnectionString_NamesTheField()
    {
        ArgumentException schema = Assert.Throws<ArgumentException>(() => new PostgreSqlLedgerStore("Host=localhost", new PostgreSqlLedgerStoreOptions { Schema = "Bad-Name;" }));
        ArgumentException connection = Assert.Throws<ArgumentException>(() => new PostgreSqlLedgerStore("Host=localhost;NoSuchKey=1"));

        Assert.Contains("schema", schema.Message, StringComparison.Ordinal);
        Assert.Contains("connectionString", connection.Message, StringComparison.Ordinal);
    }

    private async Task MigrateAndGrantAsync()
    {
        var migrator = new PostgreSqlLedgerMigrator(_owner, _schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(_role, Password);
    }

    private async Task<PostgreSqlLedgerStore> OpenAsync(string connectionString, bool migrateOnOpen = false, TimeProvider? time = null)
    {
        var store = new PostgreSqlLedgerStore(connectionString, new PostgreSqlLedgerStoreOptions
        {
            Schema = _schema,
            MigrateOnOpen = migrateOnOpen,
            TimeProvider = time ?? TimeProvider.System,
        });
        await store.OpenAsync();
        return store;
    }

    private async Task<string[]> PartitionsAsync()
    {
        await using var connection = new NpgsqlConnection(_owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent " +
            "JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = @schema AND p.relname = 'entries' ORDER BY c.relname;", connection);
        command.Parameters.AddWithValue("schema", _schema);
        var names = new List<string>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return [.. names];
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
