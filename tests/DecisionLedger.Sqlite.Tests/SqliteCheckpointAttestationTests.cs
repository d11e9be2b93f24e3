using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests;

/// <summary>The <c>checkpoint_attestations</c> table: append-only under raw SQL, and absent from files an older version wrote.</summary>
public sealed class SqliteCheckpointAttestationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("UPDATE checkpoint_attestations SET source = 'forged';")]
    [InlineData("UPDATE checkpoint_attestations SET value = x'00';")]
    [InlineData("DELETE FROM checkpoint_attestations;")]
    public async Task Triggers_UpdateOrDeleteThroughRawConnection_Aborted(string sql)
    {
        await using (var store = new SqliteLedgerStore(DatabasePath))
        {
            await store.OpenAsync();
            await store.AddAttestationAsync(Attestation(2, "witness-a"));
        }

        using (var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString()))
        {
            raw.Open();
            using SqliteCommand command = raw.CreateCommand();
            command.CommandText = sql;
            SqliteException refused = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
            Assert.Contains("checkpoint attestations are append-only", refused.Message, StringComparison.Ordinal);
        }

        await using var reopened = new SqliteLedgerStore(DatabasePath);
        await reopened.OpenAsync();
        Assert.Equal("witness-a", Assert.Single(await reopened.ReadAttestationsAsync(2)).Source);
    }

    [Fact]
    public async Task ReadAttestationsAsync_ReadOnlyFileWithoutTheTable_IsEmpty()
    {
        await using (var store = new SqliteLedgerStore(DatabasePath))
        {
            await store.OpenAsync();
        }

        using (var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString()))
        {
            raw.Open();
            using SqliteCommand command = raw.CreateCommand();
            command.CommandText = "DROP TABLE checkpoint_attestations;";
            command.ExecuteNonQuery();
        }

        await using var readOnly = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true });
        await readOnly.OpenAsync();

        Assert.Empty(await readOnly.ReadAttestationsAsync(2));
        LedgerStoreException refused = await Assert.ThrowsAsync<LedgerStoreException>(() => readOnly.AddAttestationAsync(Attestation(2, "w")).AsTask());
        Assert.Contains("read-only", refused.Message, StringComparison.Ordinal);
    }

    private static CheckpointAttestation Attestation(long size, string source) =>
        new(size, Sha256Hash.Compute(Encoding.UTF8.GetBytes("root")), CheckpointAttestationKind.Cosignature, source, Encoding.UTF8.GetBytes("— line\n"), DateTimeOffset.UnixEpoch);
}
