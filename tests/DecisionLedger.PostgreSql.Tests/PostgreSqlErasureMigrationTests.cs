using DecisionLedger.Storage;
using Npgsql;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>
/// Migration 5 (erasure clears fingerprints and forgets catalog paths): the application role erases through
/// <c>erase_input_traces</c>, including a role granted before the migration, while an entry row still refuses
/// every other change, even to the owner.
/// </summary>
public sealed class PostgreSqlErasureMigrationTests : ScratchSchemaTests
{
    /// <summary>A role granted before migration 5 existed can erase afterwards: fingerprint gone, lookup empty.</summary>
    [PostgresFact]
    public async Task MigrateAsync_RoleGrantedBefore_ErasesFingerprintsThroughTheNewFunction()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        var migrator = new PostgreSqlLedgerMigrator(owner, Schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(Role, "app-secret");
        string app = await PostgresServer.ConnectionStringForAsync(Role, "app-secret");

        // Back to schema version 4 for this role: the function and its grant are gone.
        await PostgresServer.ExecuteAsync(owner, $"DROP FUNCTION \"{Schema}\".erase_input_traces(bigint[], text[], text[]); DELETE FROM \"{Schema}\".schema_migrations WHERE version IN (5, 6);");
        Assert.Equal(2, await migrator.MigrateAsync()); // 5, and 6 (clean_close) after it

        await using var store = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = Schema });
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
        await new PostgreSqlLedgerMigrator(owner, Schema).MigrateAsync();
        await using (var store = new PostgreSqlLedgerStore(owner, new PostgreSqlLedgerStoreOptions { Schema = Schema }))
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
            PostgresException refused = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(owner, $"UPDATE \"{Schema}\".entries {change} WHERE seq = 0;"));
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(owner, $"DELETE FROM \"{Schema}\".entries WHERE seq = 0;"));
    }
}
