using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>Reads the wrapped per-subject keys of a <see cref="SqliteLedgerStore"/>.</summary>
internal sealed class SqliteSubjectKeyReader(SqliteConnections db)
{
    private readonly SqliteConnections _db = db;

    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectIds);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (subjectIds.Count == 0)
        {
            return new ValueTask<IReadOnlyDictionary<string, byte[]>>(keys);
        }

        _db.Read("read subject keys", connection =>
        {
            using (SqliteCommand exists = connection.CreateCommand())
            {
                // A ledger last opened writable by an older version has no key table: it has no keys.
                exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'subject_keys';";
                if ((long)exists.ExecuteScalar()! == 0)
                {
                    return;
                }
            }

            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT wrapped_key FROM subject_keys WHERE subject_id = @subject;";
            SqliteParameter subject = command.Parameters.Add("@subject", SqliteType.Text);
            foreach (string subjectId in subjectIds)
            {
                subject.Value = subjectId;
                if (command.ExecuteScalar() is byte[] wrapped)
                {
                    keys[subjectId] = wrapped;
                }
            }
        });
        return new ValueTask<IReadOnlyDictionary<string, byte[]>>(keys);
    }
}
