using DecisionLedger.Storage;
using DecisionLedger.Store.ContractTests;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>
/// The store contract against a real PostgreSQL: each test gets a fresh schema, migrated by the
/// owner and opened through an application role that has INSERT and SELECT only.
/// </summary>
[PostgresRequired]
public sealed class PostgreSqlLedgerStoreContractTests : LedgerStoreContract, IAsyncLifetime
{
    private readonly string _schema = PostgresServer.NewSchemaName();
    private readonly string _role = PostgresServer.NewRoleName();
    private string _appConnectionString = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        var migrator = new PostgreSqlLedgerMigrator(owner, _schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(_role, "app-secret");
        _appConnectionString = await PostgresServer.ConnectionStringForAsync(_role, "app-secret");
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await PostgresServer.DropSchemaAsync(_schema);
        await PostgresServer.DropRoleAsync(_role);
    }

    /// <inheritdoc />
    protected override Task<ILedgerStore> CreateStoreAsync() => Task.FromResult(Create());

    /// <inheritdoc />
    protected override Task<ILedgerStore> ReopenStoreAsync() => Task.FromResult(Create());

    private ILedgerStore Create() => new PostgreSqlLedgerStore(_appConnectionString, new PostgreSqlLedgerStoreOptions { Schema = _schema });
}
