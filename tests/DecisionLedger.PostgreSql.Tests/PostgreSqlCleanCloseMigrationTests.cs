namespace DecisionLedger.PostgreSql.Tests;

/// <summary>Migration 6 (<c>clean_close</c>): an application role granted before it records and clears the clean-close fact.</summary>
public sealed class PostgreSqlCleanCloseMigrationTests : ScratchSchemaTests
{
    /// <summary>The table is created by migration 6 and granted to roles that already append.</summary>
    [PostgresFact]
    public async Task MigrateAsync_RoleGrantedBefore_WritesAndClearsCleanClose()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        var migrator = new PostgreSqlLedgerMigrator(owner, Schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(Role, "app-secret");
        string app = await PostgresServer.ConnectionStringForAsync(Role, "app-secret");

        // Back to schema version 5 for this role: the table and its grant are gone.
        await PostgresServer.ExecuteAsync(owner, $"DROP TABLE \"{Schema}\".clean_close; DELETE FROM \"{Schema}\".schema_migrations WHERE version = 6;");
        Assert.Equal(1, await migrator.MigrateAsync());

        await using var store = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = Schema });
        await store.OpenAsync();
        await store.WriteCleanCloseAsync(0);
        Assert.Equal(0, await store.ReadCleanCloseAsync());
        await store.WriteCleanCloseAsync(null);
        Assert.Null(await store.ReadCleanCloseAsync());
    }
}
