namespace DecisionLedger.PostgreSql.Tests;

/// <summary>Migration 6 (<c>clean_close</c>): an application role granted before it records and clears the clean-close fact.</summary>
public sealed class PostgreSqlCleanCloseMigrationTests : IAsyncLifetime
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

    /// <summary>The table is created by migration 6 and granted to roles that already append.</summary>
    [PostgresFact]
    public async Task MigrateAsync_RoleGrantedBefore_WritesAndClearsCleanClose()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        var migrator = new PostgreSqlLedgerMigrator(owner, _schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(_role, "app-secret");
        string app = await PostgresServer.ConnectionStringForAsync(_role, "app-secret");

        // Back to schema version 5 for this role: the table and its grant are gone.
        await PostgresServer.ExecuteAsync(owner, $"DROP TABLE \"{_schema}\".clean_close; DELETE FROM \"{_schema}\".schema_migrations WHERE version >= 6;");
        Assert.Equal(1, await migrator.MigrateAsync());

        await using var store = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = _schema });
        await store.OpenAsync();
        await store.WriteCleanCloseAsync(0);
        Assert.Equal(0, await store.ReadCleanCloseAsync());
        await store.WriteCleanCloseAsync(null);
        Assert.Null(await store.ReadCleanCloseAsync());
    }
}
