using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The per-subject input keys of a <see cref="PostgreSqlLedgerStore"/> (<c>subject_keys</c>): read,
/// created once per subject (the first writer wins, so concurrent recorders agree on one key), and
/// deleted to crypto-shred a subject's inputs.
/// </summary>
internal sealed class PostgreSqlSubjectKeys(PostgreSqlConnections db, string schema)
{
    private readonly PostgreSqlConnections _db = db;
    private readonly string _schema = schema;

    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectIds);
        if (subjectIds.Count == 0)
        {
            return new ValueTask<IReadOnlyDictionary<string, byte[]>>(new Dictionary<string, byte[]>(StringComparer.Ordinal));
        }

        return new(_db.ReadAsync("read subject keys", (connection, ct) => SelectSubjectKeysAsync(connection, null, [.. subjectIds], ct), cancellationToken));
    }

    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        _db.ThrowIfReadOnly($"store keys of {candidates.Count} subjects");
        return new(_db.ReadAsync($"store keys of {candidates.Count} subjects", async (connection, ct) =>
        {
            string[] subjects = [.. candidates.Keys];
            byte[][] keys = [.. subjects.Select(s => candidates[s])];
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var insert = new NpgsqlCommand(
                $"INSERT INTO {_schema}.subject_keys(subject_id, wrapped_key) SELECT * FROM unnest(@subjects, @keys) ON CONFLICT (subject_id) DO NOTHING;", connection, transaction);
            await using (insert.ConfigureAwait(false))
            {
                insert.Parameters.Add(new NpgsqlParameter<string[]>("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = subjects });
                insert.Parameters.Add(new NpgsqlParameter<byte[][]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = keys });
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            IReadOnlyDictionary<string, byte[]> stored = await SelectSubjectKeysAsync(connection, transaction, subjects, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return stored;
        }, cancellationToken));
    }

    public ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        _db.ThrowIfReadOnly("delete a subject key");
        return new(_db.ReadAsync("delete a subject key", async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"DELETE FROM {_schema}.subject_keys WHERE subject_id = @subject;", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter<string>("subject", NpgsqlDbType.Text) { TypedValue = subjectId });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken));
    }

    private async Task<IReadOnlyDictionary<string, byte[]>> SelectSubjectKeysAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string[] subjects, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var command = new NpgsqlCommand($"SELECT subject_id, wrapped_key FROM {_schema}.subject_keys WHERE subject_id = ANY(@subjects);", connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter<string[]>("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = subjects });
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys[reader.GetString(0)] = reader.GetFieldValue<byte[]>(1);
        }

        return keys;
    }
}
