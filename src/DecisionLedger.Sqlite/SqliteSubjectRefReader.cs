using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>Reads the <c>subjects</c> mapping (clear subject id ↔ ref) of a <see cref="SqliteLedgerStore"/>.</summary>
internal sealed class SqliteSubjectRefReader(SqliteConnections db)
{
    private readonly SqliteConnections _db = db;

    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectRefsAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken) =>
        Lookup(subjectIds, "SELECT ref FROM subjects WHERE subject_id = @value;", "read subject refs", cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectIdsAsync(IReadOnlyCollection<string> refs, CancellationToken cancellationToken) =>
        Lookup(refs, "SELECT subject_id FROM subjects WHERE ref = @value;", "read subject ids", cancellationToken);

    private ValueTask<IReadOnlyDictionary<string, string>> Lookup(IReadOnlyCollection<string> keys, string sql, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return new ValueTask<IReadOnlyDictionary<string, string>>(found);
        }

        _db.Read(action, connection =>
        {
            // A ledger last opened writable by an older version has no mapping table: it maps nobody.
            if (!SqliteSchema.HasTable(connection, null, "subjects"))
            {
                return;
            }

            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = sql;
            SqliteParameter value = command.Parameters.Add("@value", SqliteType.Text);
            foreach (string key in keys)
            {
                value.Value = key;
                if (command.ExecuteScalar() is string mapped)
                {
                    found[key] = mapped;
                }
            }
        });
        return new ValueTask<IReadOnlyDictionary<string, string>>(found);
    }
}
