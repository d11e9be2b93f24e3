using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>Writes and reads the <c>checkpoint_attestations</c> table of a <see cref="PostgreSqlLedgerStore"/> (migration 8).</summary>
internal sealed class PostgreSqlCheckpointAttestations(PostgreSqlConnections db, string schema)
{
    private readonly PostgreSqlConnections _db = db;
    private readonly string _schema = schema;

    /// <summary>Inserts unless (tree size, kind, source) is already held; true when inserted.</summary>
    public Task<bool> AddAsync(CheckpointAttestation attestation, CancellationToken cancellationToken)
    {
        string action = $"store the {attestation.Kind} attestation of checkpoint {attestation.TreeSize} from '{attestation.Source}'";
        _db.ThrowIfReadOnly(action);

        // One statement on a pooled connection: the append path's writer lock is not needed, since
        // the row depends on nothing the appends change.
        return _db.ReadAsync(action, async (connection, ct) =>
        {
            var insert = new NpgsqlCommand(
                $"""
                INSERT INTO {_schema}.checkpoint_attestations(tree_size, root, kind, source, value, obtained_at)
                VALUES (@tree_size, @root, @kind, @source, @value, @obtained_at)
                ON CONFLICT (tree_size, kind, source) DO NOTHING;
                """,
                connection);
            await using var insertScope = insert.ConfigureAwait(false);
            insert.Parameters.Add(PostgreSqlConnections.Bigint("tree_size", attestation.TreeSize));
            insert.Parameters.Add(new NpgsqlParameter<byte[]>("root", NpgsqlDbType.Bytea) { TypedValue = attestation.RootHash.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<short>("kind", NpgsqlDbType.Smallint) { TypedValue = (short)attestation.Kind });
            insert.Parameters.Add(new NpgsqlParameter<string>("source", NpgsqlDbType.Text) { TypedValue = attestation.Source });
            insert.Parameters.Add(new NpgsqlParameter<byte[]>("value", NpgsqlDbType.Bytea) { TypedValue = attestation.Value.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("obtained_at", NpgsqlDbType.TimestampTz) { TypedValue = attestation.ObtainedAt.ToUniversalTime() });
            return await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <summary>The attestations of one checkpoint size, in insertion order.</summary>
    public Task<IReadOnlyList<CheckpointAttestation>> ReadAsync(long treeSize, CancellationToken cancellationToken) =>
        _db.ReadAsync($"read the attestations of checkpoint {treeSize}", async Task<IReadOnlyList<CheckpointAttestation>> (connection, ct) =>
        {
            var found = new List<CheckpointAttestation>();
            var select = new NpgsqlCommand(
                $"""
                SELECT tree_size, root, kind, source, value, obtained_at FROM {_schema}.checkpoint_attestations
                WHERE tree_size = @tree_size ORDER BY id;
                """,
                connection);
            await using var selectScope = select.ConfigureAwait(false);
            select.Parameters.Add(PostgreSqlConnections.Bigint("tree_size", treeSize));
            NpgsqlDataReader reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                byte[] root = reader.GetFieldValue<byte[]>(1);
                if (root.Length != Sha256Hash.Size)
                {
                    throw new LedgerStoreException(
                        $"The ledger at {_db.Target} is damaged: an attestation of checkpoint {treeSize} has a root of {root.Length} bytes, not {Sha256Hash.Size}.");
                }

                found.Add(new CheckpointAttestation(
                    reader.GetInt64(0),
                    Sha256Hash.FromBytes(root),
                    (CheckpointAttestationKind)reader.GetInt16(2),
                    reader.GetString(3),
                    reader.GetFieldValue<byte[]>(4),
                    reader.GetFieldValue<DateTimeOffset>(5)));
            }

            return found;
        }, cancellationToken);
}
