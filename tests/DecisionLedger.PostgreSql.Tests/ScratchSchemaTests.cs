namespace DecisionLedger.PostgreSql.Tests;

/// <summary>
/// Base of the migration tests: each test gets a schema and a role name no other test uses, and
/// both are dropped afterwards (when a PostgreSQL is configured at all).
/// </summary>
public abstract class ScratchSchemaTests : IAsyncLifetime
{
    /// <summary>This test's schema name; the test creates the schema by migrating it.</summary>
    protected string Schema { get; } = PostgresServer.NewSchemaName();

    /// <summary>This test's application role name; the test creates the role by granting it.</summary>
    protected string Role { get; } = PostgresServer.NewRoleName();

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (PostgresServer.SkipReason is null)
        {
            await PostgresServer.DropSchemaAsync(Schema);
            await PostgresServer.DropRoleAsync(Role);
        }
    }
}
