using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>Writes and reads the <c>checkpoint_attestations</c> table of a <see cref="SqliteLedgerStore"/>.</summary>
internal sealed class SqliteCheckpointAttestations(SqliteConnections db)
{
    private readonly SqliteConnections _db = db;

    /// <summary>Inserts unless (tree size, kind, source) is already held; true when inserted.</summary>
    public bool Add(CheckpointAttestation attestation)
    {
        bool added = false;
        _db.Write($"store the {Describe(attestation)}", writer =>
        {
            using SqliteCommand insert = writer.Connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO checkpoint_attestations(tree_size, root, kind, source, value, obtained_at)
                VALUES (@tree_size, @root, @kind, @source, @value, @obtained_at)
                ON CONFLICT(tree_size, kind, source) DO NOTHING;
                """;
            insert.Parameters.AddWithValue("@tree_size", attestation.TreeSize);
            insert.Parameters.AddWithValue("@root", attestation.RootHash.ToArray());
            insert.Parameters.AddWithValue("@kind", (long)attestation.Kind);
            insert.Parameters.AddWithValue("@source", attestation.Source);
            insert.Parameters.AddWithValue("@value", attestation.Value.ToArray());
            insert.Parameters.AddWithValue("@obtained_at", SqliteRows.ToUnixMicroseconds(attestation.ObtainedAt));
            added = insert.ExecuteNonQuery() == 1;
        });
        return added;
    }

    /// <summary>The attestations of one checkpoint size, in insertion order.</summary>
    public IReadOnlyList<CheckpointAttestation> Read(long treeSize) =>
        _db.Read($"read the attestations of checkpoint {treeSize}", connection =>
        {
            var found = new List<CheckpointAttestation>();

            // A ledger last opened writable by an older version has no attestations table: it holds none.
            if (!SqliteSchema.HasTable(connection, null, "checkpoint_attestations"))
            {
                return found;
            }

            using SqliteCommand select = connection.CreateCommand();
            select.CommandText = """
                SELECT tree_size, root, kind, source, value, obtained_at FROM checkpoint_attestations
                WHERE tree_size = @tree_size ORDER BY id;
                """;
            select.Parameters.AddWithValue("@tree_size", treeSize);
            using SqliteDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                byte[] root = (byte[])reader.GetValue(1);
                if (root.Length != Sha256Hash.Size)
                {
                    throw new LedgerStoreException(
                        $"The ledger database '{_db.DatabasePath}' is damaged: an attestation of checkpoint {treeSize} has a root of {root.Length} bytes, not {Sha256Hash.Size}.");
                }

                found.Add(new CheckpointAttestation(
                    reader.GetInt64(0),
                    Sha256Hash.FromBytes(root),
                    (CheckpointAttestationKind)reader.GetInt64(2),
                    reader.GetString(3),
                    (byte[])reader.GetValue(4),
                    SqliteRows.FromUnixMicroseconds(reader.GetInt64(5))));
            }

            return found;
        });

    private static string Describe(CheckpointAttestation attestation) =>
        $"{attestation.Kind} attestation of checkpoint {attestation.TreeSize} from '{attestation.Source}'";
}
