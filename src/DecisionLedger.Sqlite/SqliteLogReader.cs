using System.Runtime.CompilerServices;
using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// Reads the log of a <see cref="SqliteLedgerStore"/>: entries by seq, range or request id, leaf
/// hashes, checkpoints and the head, each on a pooled read-only connection of its own.
/// </summary>
internal sealed class SqliteLogReader(SqliteConnections db)
{
    // SQLite binds at most 32766 parameters per statement; 500 keeps each statement small.
    private const int RequestIdChunk = 500;
    private static readonly string s_fullChunkSql = ExistingRequestIdsSql(RequestIdChunk);

    private readonly SqliteConnections _db = db;

    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<long>(_db.Read("read the ledger size", connection =>
            SqliteConnections.Scalar(connection, "SELECT coalesce(max(seq) + 1, 0) FROM entries;")));
    }

    public ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<StoredEntry?>(_db.Read($"read entry {seq}", connection =>
            ReadOneEntry(connection, "seq = @value", seq)));
    }

    public ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<StoredEntry?>(_db.Read("find an entry by request id", connection =>
            ReadOneEntry(connection, "request_id = @value", requestId)));
    }

    public ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (requestIds.Count == 0)
        {
            return new ValueTask<IReadOnlySet<string>>(found);
        }

        _db.Read("look up request ids", connection =>
        {
            using SqliteCommand command = connection.CreateCommand();
            var parameters = new SqliteParameter[RequestIdChunk];
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = command.Parameters.Add("@r" + i, SqliteType.Text);
            }

            command.CommandText = s_fullChunkSql;
            string[] chunk = new string[RequestIdChunk];
            int count = 0;
            foreach (string requestId in requestIds)
            {
                chunk[count++] = requestId;
                if (count == RequestIdChunk)
                {
                    QueryChunk(command, parameters, chunk, count, found);
                    count = 0;
                }
            }

            if (count > 0)
            {
                QueryChunk(command, parameters, chunk, count, found);
            }

            // Archived decisions left entries but not the ledger: their ids are still taken.
            SqliteArchivedRanges.AddArchivedRequestIds(connection, requestIds, found);
            return found;
        });
        return new ValueTask<IReadOnlySet<string>>(found);
    }

    public async IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const string Action = "read entries";
        using SqliteConnection connection = _db.OpenReadConnection(Action);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT " + SqliteSchema.EntryColumns + " FROM entries WHERE seq >= @from AND seq < @to ORDER BY seq;";
        command.Parameters.AddWithValue("@from", fromSeq);
        command.Parameters.AddWithValue("@to", toSeq);
        await foreach (StoredEntry entry in _db.StreamEntriesAsync(command, Action, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    public ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<Sha256Hash>>(_db.Read("read leaf hashes", IReadOnlyList<Sha256Hash> (connection) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT seq, leaf_hash FROM entries WHERE seq >= @from AND seq < @to ORDER BY seq;";
            command.Parameters.AddWithValue("@from", fromSeq);
            command.Parameters.AddWithValue("@to", toSeq);
            var hashes = new List<Sha256Hash>((int)Math.Clamp(toSeq - fromSeq, 0, 1 << 16));
            byte[] scratch = new byte[Sha256Hash.Size];
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                hashes.Add(SqliteRows.ReadHash(reader, 1, scratch, _db.DatabasePath, reader.GetInt64(0)));
            }

            return hashes;
        }));
    }

    public async IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const string Action = "read checkpoints";
        using SqliteConnection connection = _db.OpenReadConnection(Action);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT tree_size, root, note, created_at FROM checkpoints ORDER BY id;";
        using SqliteDataReader reader = _db.ExecuteReader(command, Action);
        byte[] scratch = new byte[Sha256Hash.Size];
        while (await _db.ReadRowAsync(reader, Action, cancellationToken).ConfigureAwait(false))
        {
            yield return ReadCheckpoint(reader, scratch);
        }
    }

    public ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<StoredCheckpoint?>(_db.Read("read the latest checkpoint", ReadLatestCheckpoint));
    }

    // Each aggregate on its own: SQLite answers a lone count(*) from the smallest index's page
    // counts and a lone min/max from one b-tree descent; combined they would force a scan.
    public LedgerHead ReadHead(SqliteConnection connection)
    {
        long count = SqliteConnections.Scalar(connection, "SELECT count(*) FROM entries;");
        if (count > 0)
        {
            long min = SqliteConnections.Scalar(connection, "SELECT min(seq) FROM entries;");
            long max = SqliteConnections.Scalar(connection, "SELECT max(seq) FROM entries;");

            // Archived decision rows left on purpose (archived_ranges counts them); any other gap is damage.
            long archived = SqliteArchivedRanges.RemovedRows(connection);
            if ((min != 0 && archived == 0) || max + 1 != count + archived)
            {
                long missing = min > 0 ? 0 : FirstMissingSeq(connection, max);
                throw new LedgerStoreException(
                    $"The ledger database '{_db.DatabasePath}' is damaged: seq {missing} missing (it holds {count} entries with seqs {min} to {max}); " +
                    "entries were deleted outside DecisionLedger. Do not append to it: run 'dledger verify' and restore the file from a backup.");
            }
        }

        long size = count == 0 ? 0 : SqliteConnections.Scalar(connection, "SELECT max(seq) + 1 FROM entries;");
        return new LedgerHead(size, ReadLatestCheckpoint(connection));
    }

    private static string ExistingRequestIdsSql(int count)
    {
        var sql = new StringBuilder("SELECT request_id FROM entries WHERE request_id IN (");
        for (int i = 0; i < count; i++)
        {
            sql.Append(i == 0 ? "@r" : ", @r").Append(i);
        }

        return sql.Append(");").ToString();
    }

    private static void QueryChunk(SqliteCommand command, SqliteParameter[] parameters, string[] chunk, int count, HashSet<string> found)
    {
        if (count < RequestIdChunk)
        {
            command.CommandText = ExistingRequestIdsSql(count);
            while (command.Parameters.Count > count)
            {
                command.Parameters.RemoveAt(command.Parameters.Count - 1);
            }
        }

        for (int i = 0; i < count; i++)
        {
            parameters[i].Value = chunk[i];
        }

        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(reader.GetString(0));
        }
    }

    private StoredCheckpoint ReadCheckpoint(SqliteDataReader reader, byte[] scratch)
    {
        long treeSize = reader.GetInt64(0);
        return new StoredCheckpoint(
            treeSize,
            SqliteRows.ReadHash(reader, 1, scratch, _db.DatabasePath, treeSize),
            reader.GetString(2),
            SqliteRows.FromUnixMicroseconds(reader.GetInt64(3)));
    }

    private StoredCheckpoint? ReadLatestCheckpoint(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT tree_size, root, note, created_at FROM checkpoints ORDER BY id DESC LIMIT 1;";
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? ReadCheckpoint(reader, new byte[Sha256Hash.Size]) : null;
    }

    private static long FirstMissingSeq(SqliteConnection connection, long max)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText =
            "SELECT e.seq + 1 FROM entries e WHERE e.seq >= 0 AND e.seq < @max " +
            "AND NOT EXISTS (SELECT 1 FROM entries n WHERE n.seq = e.seq + 1) ORDER BY e.seq LIMIT 1;";
        command.Parameters.AddWithValue("@max", max);
        return command.ExecuteScalar() is long missing ? missing : max + 1;
    }

    private StoredEntry? ReadOneEntry(SqliteConnection connection, string predicate, object value)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT " + SqliteSchema.EntryColumns + " FROM entries WHERE " + predicate + ";";
        command.Parameters.AddWithValue("@value", value);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? SqliteRows.ReadEntry(reader, new byte[Sha256Hash.Size], _db.DatabasePath) : null;
    }
}
