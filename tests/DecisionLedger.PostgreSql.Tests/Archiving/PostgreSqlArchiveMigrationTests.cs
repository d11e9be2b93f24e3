using DecisionLedger.Archiving;
using DecisionLedger.Verification;

namespace DecisionLedger.PostgreSql.Tests.Archiving;

/// <summary>
/// Migration 10 on a ledger written before it: every entry still verifies, the application role
/// granted before the migration may archive, and the archived ledger verifies across live and archive.
/// </summary>
public sealed class PostgreSqlArchiveMigrationTests : ScratchSchemaTests, IDisposable
{
    private readonly PostgresArchiveLedger _ledger;

    public PostgreSqlArchiveMigrationTests() => _ledger = new PostgresArchiveLedger(Schema, Role);

    [PostgresFact]
    public async Task Migrate_LedgerWrittenBeforeMigration10_VerifiesThenArchivesAndStillVerifies()
    {
        await _ledger.MigrateAsync();
        string s = $"\"{Schema}\"";
        await _ledger.SeedAsync(1, 2 * PostgresArchiveLedger.PerMonth);

        // Back to the schema before migrations 10 and 11, data and partitions as they were: the trigger function
        // of migration 5, no archive tables or functions (and so none of their grants to the role).
        await PostgresServer.ExecuteAsync(_ledger.Owner,
            $"DROP FUNCTION {s}.remove_archived_bodies(bigint, bigint); DROP FUNCTION {s}.record_archived_range(bigint, bigint, bigint, text); " +
            $"DROP TABLE {s}.archived_ranges, {s}.dropped_partitions, {s}.archived_chain_keys; DROP FUNCTION {s}.refuse_archived_range_change(); " +
            $"DELETE FROM {s}.schema_migrations WHERE version IN (10, 11); " +
            PostgreSqlSchema.Migrations.Single(m => m.Version == 5).Sql(s));
        await using (PostgreSqlLedgerStore old = _ledger.OpenStore())
        {
            Storage.LedgerStoreException refused = await Assert.ThrowsAsync<Storage.LedgerStoreException>(async () => await old.OpenAsync());
            Assert.Contains($"needs {PostgreSqlSchema.Version}", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(2, await new PostgreSqlLedgerMigrator(_ledger.Owner, Schema).MigrateAsync());

        await using PostgreSqlLedgerStore store = _ledger.OpenStore();
        await store.OpenAsync();
        VerificationReport migrated = await new LedgerVerifier().VerifyAsync(store, _ledger.Signer.Verifier, PostgresArchiveLedger.Origin);
        Assert.True(migrated.Passed, migrated.FirstFinding?.ToString());

        ArchiveRunResult? result = await _ledger.ArchiveAsync();
        Assert.NotNull(result);
        Assert.Contains("entries_202601", await _ledger.StringsAsync($"SELECT partition_name FROM {s}.dropped_partitions;"));
        VerificationReport archived = await new LedgerVerifier().VerifyAsync(store, _ledger.Signer.Verifier, PostgresArchiveLedger.Origin);
        Assert.True(archived.Passed, archived.FirstFinding?.ToString());
    }

    public void Dispose() => _ledger.Dispose();
}
