using DecisionLedger.Heads;
using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>The entry-v2 facet of the store: the <c>subjects</c> mapping and the chain heads.</summary>
public sealed partial class PostgreSqlLedgerStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectRefsAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default) =>
        new PostgreSqlSubjectRefs(_db, _schema).GetSubjectRefsAsync(subjectIds, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectIdsAsync(IReadOnlyCollection<string> refs, CancellationToken cancellationToken = default) =>
        new PostgreSqlSubjectRefs(_db, _schema).GetSubjectIdsAsync(refs, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// As for <see cref="DeleteInputsAsync"/>, PostgreSQL keeps the deleted row's bytes until VACUUM
    /// reclaims the page, and in its WAL and backups until they are recycled; see docs/privacy.md.
    /// </remarks>
    public ValueTask<string?> DeleteSubjectRefAsync(string subjectId, CancellationToken cancellationToken = default) =>
        new PostgreSqlSubjectRefs(_db, _schema).DeleteSubjectRefAsync(subjectId, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Archived decisions are counted from <c>archived_chain_keys</c> (migration 11), which their removal
    /// filled; one statement reads both tables in one snapshot, so a removal running meanwhile neither
    /// hides nor doubles a decision.
    /// </remarks>
    public IAsyncEnumerable<(string Key, ChainHead Head)> ReadChainHeadsAsync(long fromSeq, long beforeSeq, CancellationToken cancellationToken = default) =>
        _db.StreamAsync<(string Key, ChainHead Head)>(
            "read the chain heads",
            $"""
            SELECT key, max(last), sum(n)::bigint FROM (
                SELECT 's:' || subject_id AS key, max(seq) AS last, count(*) AS n FROM {_schema}.entries
                    WHERE seq >= @from AND seq < @before AND kind = 'decision' AND subject_id IS NOT NULL
                    GROUP BY subject_id
                UNION ALL
                SELECT 'm:' || coalesce(model, ''), max(seq), count(*) FROM {_schema}.entries
                    WHERE seq >= @from AND seq < @before AND kind = 'decision'
                    GROUP BY coalesce(model, '')
                UNION ALL
                SELECT 's:' || subject_id, max(seq), count(*) FROM {_schema}.archived_chain_keys
                    WHERE seq >= @from AND seq < @before AND subject_id IS NOT NULL
                    GROUP BY subject_id
                UNION ALL
                SELECT 'm:' || model, max(seq), count(*) FROM {_schema}.archived_chain_keys
                    WHERE seq >= @from AND seq < @before
                    GROUP BY model) heads
            GROUP BY key;
            """,
            [PostgreSqlConnections.Bigint("from", fromSeq), PostgreSqlConnections.Bigint("before", beforeSeq)],
            static () => static reader => (reader.GetString(0), new ChainHead(reader.GetInt64(1), reader.GetInt64(2))),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<long?> FindFirstEventAsync(string kind, CancellationToken cancellationToken = default)
    {
        SubjectQuery.ThrowIfNotEventKind(kind);
        return new(_db.ReadAsync($"find the first '{kind}' event", async Task<long?> (connection, ct) =>
        {
            // kind <> 'decision' is a constant the planner sees: it selects the partial index of events.
            var command = new NpgsqlCommand($"SELECT min(seq) FROM {_schema}.entries WHERE kind = @kind AND kind <> 'decision';", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter<string>("kind", NpgsqlDbType.Text) { TypedValue = kind });
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long seq ? seq : null;
        }, cancellationToken));
    }
}
