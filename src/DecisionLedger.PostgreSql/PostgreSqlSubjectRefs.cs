using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The <c>subjects</c> mapping of a <see cref="PostgreSqlLedgerStore"/> (clear subject id ↔ ref):
/// inserted in an append's transaction, read both ways, deleted by erasure.
/// </summary>
internal sealed class PostgreSqlSubjectRefs(PostgreSqlConnections db, string schema)
{
    private readonly PostgreSqlConnections _db = db;
    private readonly string _schema = schema;

    /// <summary>Inserts a batch's new mappings inside its transaction.</summary>
    /// <exception cref="LedgerStoreException">A subject id already has a ref, or a ref already belongs to a subject; the transaction is rolled back.</exception>
    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string target, IReadOnlyList<SubjectRef> refs, CancellationToken cancellationToken)
    {
        var insert = new NpgsqlCommand($"INSERT INTO {schema}.subjects(subject_id, ref) SELECT * FROM unnest(@ids, @refs);", connection, transaction);
        await using var insertScope = insert.ConfigureAwait(false);
        insert.Parameters.Add(Texts("ids", [.. refs.Select(r => r.SubjectId)]));
        insert.Parameters.Add(Texts("refs", [.. refs.Select(r => r.Ref)]));
        try
        {
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgreSqlErrors.UniqueViolation)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);

            // The message never repeats the clear id: it may end up in a log. The ref it may name.
            string detail = "a subject id of the batch's NewSubjectRefs already has a ref";
            if (exception.ConstraintName is { } constraint && constraint.EndsWith("_ref_key", StringComparison.Ordinal))
            {
                var taken = new NpgsqlCommand($"SELECT ref FROM {schema}.subjects WHERE ref = ANY(@refs) LIMIT 1;", connection);
                await using var takenScope = taken.ConfigureAwait(false);
                taken.Parameters.Add(Texts("refs", [.. refs.Select(r => r.Ref)]));
                detail = $"ref '{await taken.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)}' of the batch's NewSubjectRefs already belongs to another subject";
            }

            throw SubjectRefChecks.Conflict(target, detail, exception);
        }
    }

    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectRefsAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken) =>
        LookupAsync(subjectIds, "subject_id", "ref", "read subject refs", cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectIdsAsync(IReadOnlyCollection<string> refs, CancellationToken cancellationToken) =>
        LookupAsync(refs, "ref", "subject_id", "read subject ids", cancellationToken);

    /// <remarks>
    /// As for stored inputs, PostgreSQL keeps the deleted row's bytes until VACUUM reclaims the page,
    /// and in its WAL and backups until they are recycled (docs/privacy.md).
    /// </remarks>
    public ValueTask<string?> DeleteSubjectRefAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        _db.ThrowIfReadOnly("delete a subject mapping");
        return new(_db.ReadAsync("delete a subject mapping", async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"DELETE FROM {_schema}.subjects WHERE subject_id = @subject RETURNING ref;", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter<string>("subject", NpgsqlDbType.Text) { TypedValue = subjectId });
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }, cancellationToken));
    }

    private ValueTask<IReadOnlyDictionary<string, string>> LookupAsync(IReadOnlyCollection<string> keys, string keyColumn, string valueColumn, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return new ValueTask<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(StringComparer.Ordinal));
        }

        return new(_db.ReadAsync(action, async Task<IReadOnlyDictionary<string, string>> (connection, ct) =>
        {
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            var command = new NpgsqlCommand($"SELECT {keyColumn}, {valueColumn} FROM {_schema}.subjects WHERE {keyColumn} = ANY(@keys);", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(Texts("keys", [.. keys]));
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                found[reader.GetString(0)] = reader.GetString(1);
            }

            return found;
        }, cancellationToken));
    }

    private static NpgsqlParameter<string[]> Texts(string name, string[] values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values };
}
