using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Npgsql;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>Migration 8's <c>checkpoint_attestations</c>: the application role adds and reads; nobody updates, deletes or truncates.</summary>
public sealed class PostgreSqlCheckpointAttestationTests : IAsyncLifetime
{
    private const string Password = "app-secret";
    private readonly string _schema = PostgresServer.NewSchemaName();
    private readonly string _role = PostgresServer.NewRoleName();
    private string _owner = string.Empty;
    private string _app = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            return;
        }

        _owner = await PostgresServer.OwnerConnectionStringAsync();
        _app = await PostgresServer.ConnectionStringForAsync(_role, Password);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            return;
        }

        await PostgresServer.DropSchemaAsync(_schema);
        await PostgresServer.DropRoleAsync(_role);
    }

    [PostgresFact]
    public async Task AppRole_AddsAndReads_ButNobodyChangesOrRemoves()
    {
        var migrator = new PostgreSqlLedgerMigrator(_owner, _schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(_role, Password);
        await using (var store = new PostgreSqlLedgerStore(_app, new PostgreSqlLedgerStoreOptions { Schema = _schema }))
        {
            await store.OpenAsync();
            Assert.True(await store.AddAttestationAsync(Attestation(2, "witness-a")));
            Assert.False(await store.AddAttestationAsync(Attestation(2, "witness-a")));
        }

        foreach (string sql in new[]
        {
            $"UPDATE \"{_schema}\".checkpoint_attestations SET source = 'forged';",
            $"DELETE FROM \"{_schema}\".checkpoint_attestations;",
            $"TRUNCATE \"{_schema}\".checkpoint_attestations;",
        })
        {
            PostgresException asOwner = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(_owner, sql));
            Assert.Contains("append-only", asOwner.MessageText, StringComparison.Ordinal);
            PostgresException asApp = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(_app, sql));
            Assert.Equal("42501", asApp.SqlState);
        }

        await using var reopened = new PostgreSqlLedgerStore(_app, new PostgreSqlLedgerStoreOptions { Schema = _schema });
        await reopened.OpenAsync();
        Assert.Equal("witness-a", Assert.Single(await reopened.ReadAttestationsAsync(2)).Source);
    }

    private static CheckpointAttestation Attestation(long size, string source) =>
        new(size, Sha256Hash.Compute(Encoding.UTF8.GetBytes("root")), CheckpointAttestationKind.Cosignature, source, Encoding.UTF8.GetBytes("— line\n"), DateTimeOffset.UnixEpoch);
}
