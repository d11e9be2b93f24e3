using DecisionLedger.Storage;
using Npgsql;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>
/// Migration 3 (byte-order collation on the indexed text columns) on a version-2 ledger: the store
/// refuses to open until migrated, the migration keeps every entry, and afterwards the old
/// application role appends, finds entries by each indexed column, and is still refused a repeated
/// request id.
/// </summary>
public sealed class PostgreSqlCollationMigrationTests : ScratchSchemaTests
{
    private static readonly string[] s_indexedTextColumns = ["entries.model", "entries.version", "entries.user_id", "entries.tenant", "entries.subject_id", "request_ids.request_id"];
    /// <summary>A new ledger gets the "C" collation on every indexed text column.</summary>
    [PostgresFact]
    public async Task MigrateAsync_NewLedger_IndexedTextColumnsCompareByBytes()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        await new PostgreSqlLedgerMigrator(owner, Schema).MigrateAsync();

        Assert.All(await CollationsAsync(owner), pair => Assert.Equal("C", pair.Collation));
    }

    /// <summary>Entry bodies, hashes and inputs get no planner statistics, on the parent, on existing partitions and on partitions created later.</summary>
    [PostgresFact]
    public async Task MigrateAsync_BodiesAndInputs_HaveNoStatistics_AlsoOnLaterPartitions()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        var migrator = new PostgreSqlLedgerMigrator(owner, Schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(Role, "app-secret");
        string app = await PostgresServer.ConnectionStringForAsync(Role, "app-secret");
        await using (var store = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = Schema }))
        {
            await store.OpenAsync();

            // Far from today: its month's partition is created by ensure_entry_partitions during the append.
            await store.AppendAsync(Some.Batch([Some.Entry(0, timestamp: new DateTimeOffset(2031, 5, 1, 0, 0, 0, TimeSpan.Zero))]));
        }

        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT c.relname, a.attname, a.attstattarget FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = @schema AND ((c.relname LIKE 'entries%' AND c.relkind IN ('r', 'p') AND a.attname IN ('body', 'leaf_hash', 'request_id', 'model'))
                OR (c.relname = 'inputs' AND a.attname IN ('salt', 'input', 'seq')));
            """,
            connection);
        command.Parameters.AddWithValue("schema", Schema);
        var targets = new List<(string Table, string Column, int Target)>();
        await using (NpgsqlDataReader reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                targets.Add((reader.GetString(0), reader.GetString(1), Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        Assert.Contains(targets, t => t is { Table: "entries_203105", Column: "body" });
        Assert.All(targets, t => Assert.Equal(t.Column is "model" or "seq" ? -1 : 0, t.Target));
    }

    /// <summary>A version-2 ledger with entries is upgraded in place and keeps working for its old role.</summary>
    [PostgresFact]
    public async Task MigrateAsync_Version2LedgerWithEntries_KeepsEntriesAndQueries()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        var migrator = new PostgreSqlLedgerMigrator(owner, Schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(Role, "app-secret");
        string app = await PostgresServer.ConnectionStringForAsync(Role, "app-secret");

        // Back to what schema version 2 looked like: the database's default collation.
        string s = "\"" + Schema + "\"";
        await PostgresServer.ExecuteAsync(owner, $"""
            ALTER TABLE {s}.entries ALTER COLUMN model TYPE text COLLATE "default", ALTER COLUMN version TYPE text COLLATE "default",
                ALTER COLUMN user_id TYPE text COLLATE "default", ALTER COLUMN tenant TYPE text COLLATE "default", ALTER COLUMN subject_id TYPE text COLLATE "default";
            ALTER TABLE {s}.request_ids ALTER COLUMN request_id TYPE text COLLATE "default";
            DELETE FROM {s}.schema_migrations WHERE version >= 3;
            """);
        Assert.All(await CollationsAsync(owner), pair => Assert.Null(pair.Collation));
        await using (var old = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = Schema }))
        {
            LedgerStoreException refused = await Assert.ThrowsAsync<LedgerStoreException>(async () => await old.OpenAsync());
            Assert.Contains($"has version 2; this DecisionLedger needs {PostgreSqlLedgerMigrator.LatestVersion}", refused.Message, StringComparison.Ordinal);
        }

        // Entries written by a version-2 store (its SQL is the same as today's).
        await AppendAsVersion2Async(owner, s);

        Assert.Equal(PostgreSqlSchema.Migrations.Count(m => m.Version > 2), await migrator.MigrateAsync());
        Assert.Equal(0, await migrator.MigrateAsync());
        Assert.All(await CollationsAsync(owner), pair => Assert.Equal("C", pair.Collation));

        await using var migrated = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = Schema });
        LedgerHead head = await migrated.OpenAsync();
        Assert.Equal(3, head.Size);
        await migrated.AppendAsync(Some.Batch([Some.Entry(3, model: "credit", userId: "analyst_bob", tenant: "apac", subjectId: "customer-9")]));

        Assert.Equal([2L, 1L, 0L], await migrated.QueryAsync(new EntryFilter { ModelName = "fraud_detector", ModelVersion = "3.2.1" }).Select(e => e.Seq).ToListAsync());
        Assert.Equal([3L], await migrated.QueryAsync(new EntryFilter { UserId = "analyst_bob" }).Select(e => e.Seq).ToListAsync());
        Assert.Equal([3L], await migrated.QueryAsync(new EntryFilter { Tenant = "apac" }).Select(e => e.Seq).ToListAsync());
        Assert.Equal([3L], await migrated.QueryAsync(new EntryFilter { SubjectId = "customer-9" }).Select(e => e.Seq).ToListAsync());
        Assert.Equal(1L, (await migrated.FindByRequestIdAsync(Some.RequestIdOf(1)))?.Seq);
        Assert.Equal([Some.RequestIdOf(0)], await migrated.FindExistingRequestIdsAsync([Some.RequestIdOf(0), "req-absent"]));

        LedgerStoreException repeated = await Assert.ThrowsAsync<LedgerStoreException>(async () =>
            await migrated.AppendAsync(Some.Batch([Some.Entry(4, requestId: Some.RequestIdOf(2))])));
        Assert.Contains($"request id '{Some.RequestIdOf(2)}' is already in", repeated.Message, StringComparison.Ordinal);
    }

    // A version-2 store wrote its rows with the same COPY as today; the store refuses to open a
    // version-2 schema, so the rows go in as the owner with the latest version briefly recorded.
    private async Task AppendAsVersion2Async(string owner, string s)
    {
        await PostgresServer.ExecuteAsync(owner, $"INSERT INTO {s}.schema_migrations(version, description) VALUES ({PostgreSqlLedgerMigrator.LatestVersion}, 'temporary');");
        await using (var store = new PostgreSqlLedgerStore(owner, new PostgreSqlLedgerStoreOptions { Schema = Schema }))
        {
            await store.OpenAsync();
            await store.AppendAsync(Some.Batch(Some.Entries(0, 3)));
        }

        await PostgresServer.ExecuteAsync(owner, $"DELETE FROM {s}.schema_migrations WHERE version >= 3;");
        Assert.All(await CollationsAsync(owner), pair => Assert.Null(pair.Collation));
    }

    private async Task<List<(string Column, string? Collation)>> CollationsAsync(string owner)
    {
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_name || '.' || column_name, collation_name FROM information_schema.columns WHERE table_schema = @schema AND table_name || '.' || column_name = ANY(@columns) ORDER BY 1;",
            connection);
        command.Parameters.AddWithValue("schema", Schema);
        command.Parameters.AddWithValue("columns", s_indexedTextColumns);
        var result = new List<(string, string?)>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        Assert.Equal(s_indexedTextColumns.Length, result.Count);
        return result;
    }
}
