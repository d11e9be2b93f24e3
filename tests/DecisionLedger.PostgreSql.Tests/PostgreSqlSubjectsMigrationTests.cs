using DecisionLedger.Storage;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>Migration 7 (<c>subjects</c>): an application role granted before it appends, reads and erases subject mappings.</summary>
public sealed class PostgreSqlSubjectsMigrationTests : ScratchSchemaTests
{
    /// <summary>The table is created by migration 7 and granted to roles that could already delete subject keys.</summary>
    [PostgresFact]
    public async Task MigrateAsync_RoleGrantedBefore_WritesReadsAndDeletesMappings()
    {
        string owner = await PostgresServer.OwnerConnectionStringAsync();
        var migrator = new PostgreSqlLedgerMigrator(owner, Schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(Role, "app-secret");
        string app = await PostgresServer.ConnectionStringForAsync(Role, "app-secret");

        // Back to schema version 6 for this role: the table and its grant are gone.
        await PostgresServer.ExecuteAsync(owner, $"DROP TABLE \"{Schema}\".subjects; DELETE FROM \"{Schema}\".schema_migrations WHERE version = 7;");
        Assert.Equal(1, await migrator.MigrateAsync());

        await using var store = new PostgreSqlLedgerStore(app, new PostgreSqlLedgerStoreOptions { Schema = Schema });
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 1)) with { NewSubjectRefs = [new SubjectRef("alice", "AAAAAAAAAAAAAAAAAAAAAA")] });
        Assert.Equal("AAAAAAAAAAAAAAAAAAAAAA", (await store.GetSubjectRefsAsync(["alice"]))["alice"]);
        Assert.Equal("AAAAAAAAAAAAAAAAAAAAAA", await store.DeleteSubjectRefAsync("alice"));
        Assert.Empty(await store.GetSubjectIdsAsync(["AAAAAAAAAAAAAAAAAAAAAA"]));
    }
}
