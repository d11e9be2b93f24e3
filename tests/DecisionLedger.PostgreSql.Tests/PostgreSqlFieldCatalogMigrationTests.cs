using DecisionLedger.Querying;
using DecisionLedger.Storage;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>
/// Migration 2 (the field catalog) on a ledger written before it existed: the store refuses to open
/// until migrated, the migration backfills the catalog from stored entries and inputs, and the
/// application role granted before the table existed may fill it on append.
/// </summary>
public sealed class PostgreSqlFieldCatalogMigrationTests : ScratchSchemaTests
{
    /// <summary>A version-1 ledger with entries gets its catalog backfilled, and its old app role can append afterwards.</summary>
    [PostgresFact]
    public async Task MigrateAsync_LedgerWithoutCatalog_BackfillsAndLetsOldRoleAppend()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        var migrator = new PostgreSqlLedgerMigrator(owner, Schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(Role, "app-secret");
        string app = await PostgresServer.ConnectionStringForAsync(Role, "app-secret");
        await using (var store = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = Schema }))
        {
            await store.OpenAsync();
            await store.AppendAsync(Some.Batch(Some.Entries(0, 3)));
        }

        // Back to what schema version 1 looked like, entries kept (and the role's grant gone with the table).
        // (Migration 3 is recorded as not applied either: it only changes collations and runs again harmlessly.)
        await PostgresServer.ExecuteAsync(owner, $"DROP TABLE \"{Schema}\".field_paths; DELETE FROM \"{Schema}\".schema_migrations WHERE version >= 2;");
        await using (var old = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = Schema }))
        {
            LedgerStoreException refused = await Assert.ThrowsAsync<LedgerStoreException>(async () => await old.OpenAsync());
            Assert.Contains($"has version 1; this DecisionLedger needs {PostgreSqlLedgerMigrator.LatestVersion}", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(PostgreSqlSchema.Migrations.Count(m => m.Version > 1), await migrator.MigrateAsync());
        Assert.Equal(0, await migrator.MigrateAsync());

        await using var migrated = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = Schema });
        await migrated.OpenAsync();
        Assert.Equal(
            ["input.amount", "input.merchant", "model.name", "model.version", "output.score"],
            await migrated.GetFieldPathsAsync("fraud_detector"));

        // The role was granted before field_paths existed: the migration granted it the new table.
        await migrated.AppendAsync(Some.Batch([Some.Entry(3, model: "credit")]));
        Assert.Equal(["input.amount", "input.merchant", "model.name", "model.version", "output.score"], await migrated.GetFieldPathsAsync("credit"));
        var filter = new EntryFilter { Where = WhereParser.Parse("input.amount >= 1 and model.name = \"fraud_detector\"") };
        Assert.Equal([2L, 1L], await migrated.QueryAsync(filter).Select(e => e.Seq).ToListAsync());
    }
}
