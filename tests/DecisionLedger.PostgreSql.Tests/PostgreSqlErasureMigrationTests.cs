using DecisionLedger.Storage;
using Npgsql;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>
/// Migration 5 (erasure clears fingerprints and forgets catalog paths): the application role erases through
/// <c>erase_input_traces</c>, including a role granted before the migration, while an entry row still refuses
/// every other change, even to the owner.
/// </summary>
public sealed class PostgreSqlErasureMigrationTests : IAsyncLifetime
{
    private readonly string _schema = PostgresServer.NewSchemaName();
    private readonly string _role = PostgresServer.NewRoleName();

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (PostgresServer.SkipReason is null)
        {
            await PostgresServer.DropSchemaAsync(_schema);
            await PostgresServer.DropRoleAsync(_role);
        }
    }

    /// <summary>A role granted before migration 5 existed can erase afterwards: fingerprint gone, lookup empty.</summary>
    [PostgresFact]
    public async Task MigrateAsync_RoleGrantedBefore_ErasesFingerprintsThroughTheNewFunction()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        var migrator = new PostgreSqlLedgerMigrator(owner, _schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(_role, "app-secret");
        string app = await PostgresServer.ConnectionStringForAsync(_role, "app-secret");

        // Back to schema version 4 for this role: the function and its grant are gone.
        await PostgresServer.ExecuteAsync(owner, $"DROP FUNCTION \"{_schema}\".erase_input_traces(bigint[], text[], text[]); DELETE FROM \"{_schema}\".schema_migrations WHERE version >= 5;");
        Assert.Equal(2, await migrator.MigrateAsync()); // 5, and 6 (clean_close) after it

        await using var store = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = _schema });
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 3)));

        Assert.Equal(1, await store.DeleteInputsAsync([1]));

        Assert.Empty(await store.QueryAsync(new EntryFilter { InputFingerprint = Some.FingerprintOf(1) }).ToListAsync());
        Assert.Null((await store.GetEntryAsync(1))!.Columns.InputFingerprint);
        Assert.Equal(Some.Entry(1).LeafHash, (await store.GetEntryAsync(1))!.LeafHash);
    }

    /// <summary>Only clearing the fingerprint is allowed: any other change of an entry row is refused, even to the owner.</summary>
    [PostgresFact]
    public async Task EntryRow_OtherChanges_StillRefusedEvenToTheOwner()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        await new PostgreSqlLedgerMigrator(owner, _schema).MigrateAsync();
        await using (var store = new PostgreSqlLedgerStore(owner, new PostgreSqlLedgerStoreOptions { Schema = _schema }))
        {
            await store.OpenAsync();
            await store.AppendAsync(Some.Batch(Some.Entries(0, 2)));
        }

        foreach (string change in new[]
        {
            "SET model = 'forged'",
            "SET fingerprint = 'ffff'",
            "SET fingerprint = NULL, subject_id = 'someone-else'",
            "SET fingerprint = NULL, body = body || '\\x20'::bytea",
        })
        {
            PostgresException refused = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(owner, $"UPDATE \"{_schema}\".entries {change} WHERE seq = 0;"));
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(owner, $"DELETE FROM \"{_schema}\".entries WHERE seq = 0;"));
    }
}
