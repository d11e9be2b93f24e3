using DecisionLedger.Heads;
using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite;

/// <summary>The entry-v2 facet of the store: the <c>subjects</c> mapping and the chain heads.</summary>
public sealed partial class SqliteLedgerStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectRefsAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default) =>
        new SqliteSubjectRefReader(_db).GetSubjectRefsAsync(subjectIds, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectIdsAsync(IReadOnlyCollection<string> refs, CancellationToken cancellationToken = default) =>
        new SqliteSubjectRefReader(_db).GetSubjectIdsAsync(refs, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The row is deleted with secure_delete on and the WAL is then checkpointed and truncated, as for <see cref="DeleteInputsAsync"/>.</remarks>
    /// <exception cref="LedgerStoreException">The store is read-only or failed, or another connection kept the WAL from being truncated.</exception>
    public ValueTask<string?> DeleteSubjectRefAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        cancellationToken.ThrowIfCancellationRequested();
        string? deleted = null;
        _db.Write("delete a subject mapping", writer => deleted = writer.Erasure.DeleteSubjectRef(subjectId));
        return new ValueTask<string?>(deleted);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<(string Key, ChainHead Head)> ReadChainHeadsAsync(long fromSeq, long beforeSeq, CancellationToken cancellationToken = default) =>
        new SqliteChainHeadReader(_db).ReadChainHeadsAsync(fromSeq, beforeSeq, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long?> FindFirstEventAsync(string kind, CancellationToken cancellationToken = default)
    {
        SubjectQuery.ThrowIfNotEventKind(kind);
        return new SqliteChainHeadReader(_db).FindFirstEventAsync(kind, cancellationToken);
    }
}
