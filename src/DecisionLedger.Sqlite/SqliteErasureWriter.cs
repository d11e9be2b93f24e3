using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The erasing writes of the writer connection: stored inputs and subject keys deleted, each in
/// its own IMMEDIATE transaction, then the WAL checkpointed and truncated so no earlier frame
/// keeps a copy (secure_delete zeroes the pages in the file). Not thread-safe: the store
/// serializes calls.
/// </summary>
internal sealed class SqliteErasureWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _path;
    private readonly SqliteCommand _deleteInput;
    private readonly SqliteParameter _deleteSeq;

    /// <param name="connection">The writer connection (owned by <see cref="SqliteWriter"/>).</param>
    /// <param name="path">The database file, for errors.</param>
    public SqliteErasureWriter(SqliteConnection connection, string path)
    {
        _connection = connection;
        _path = path;
        _deleteInput = connection.CreateCommand();
        _deleteInput.CommandText = "DELETE FROM inputs WHERE seq = @seq;";
        _deleteSeq = _deleteInput.Parameters.Add("@seq", SqliteType.Integer);
    }

    /// <summary>
    /// Deletes stored inputs in one transaction (secure_delete zeroes their bytes in the pages),
    /// then checkpoints and truncates the WAL so no earlier frame keeps a copy; returns how many rows went.
    /// </summary>
    /// <exception cref="LedgerStoreException">The WAL could not be truncated because another connection is reading.</exception>
    public int DeleteInputs(IReadOnlyCollection<long> seqs)
    {
        int deleted = 0;
        using (SqliteTransaction transaction = _connection.BeginTransaction(deferred: false))
        {
            _deleteInput.Transaction = transaction;
            foreach (long seq in seqs)
            {
                _deleteSeq.Value = seq;
                deleted += _deleteInput.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        if (deleted > 0)
        {
            TruncateWal(deleted);
        }

        return deleted;
    }

    /// <summary>Inserts the candidate keys of subjects without one and returns every given subject's stored key, in one transaction.</summary>
    public Dictionary<string, byte[]> GetOrCreateSubjectKeys(IReadOnlyDictionary<string, byte[]> candidates)
    {
        var stored = new Dictionary<string, byte[]>(candidates.Count, StringComparer.Ordinal);
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        using SqliteCommand insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO subject_keys(subject_id, wrapped_key) VALUES (@subject, @key);";
        SqliteParameter subject = insert.Parameters.Add("@subject", SqliteType.Text);
        SqliteParameter key = insert.Parameters.Add("@key", SqliteType.Blob);
        using SqliteCommand select = _connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT wrapped_key FROM subject_keys WHERE subject_id = @subject;";
        SqliteParameter selectSubject = select.Parameters.Add("@subject", SqliteType.Text);
        foreach ((string subjectId, byte[] wrapped) in candidates)
        {
            subject.Value = subjectId;
            key.Value = wrapped;
            insert.ExecuteNonQuery();
            selectSubject.Value = subjectId;
            stored[subjectId] = (byte[])select.ExecuteScalar()!;
        }

        transaction.Commit();
        return stored;
    }

    /// <summary>Deletes a subject's wrapped key, then truncates the WAL; returns whether a key was deleted.</summary>
    public bool DeleteSubjectKey(string subjectId)
    {
        int deleted;
        using (SqliteTransaction transaction = _connection.BeginTransaction(deferred: false))
        {
            using SqliteCommand delete = _connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM subject_keys WHERE subject_id = @subject;";
            delete.Parameters.AddWithValue("@subject", subjectId);
            deleted = delete.ExecuteNonQuery();
            transaction.Commit();
        }

        if (deleted > 0)
        {
            TruncateWal(deleted);
        }

        return deleted > 0;
    }

    private void TruncateWal(int deleted)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using SqliteDataReader reader = command.ExecuteReader();
        if (reader.Read() && reader.GetInt64(0) != 0)
        {
            throw new LedgerStoreException(
                $"Deleted {deleted} stored inputs from '{_path}', but could not truncate its write-ahead log ('{_path}-wal') because another connection is reading: " +
                "copies of the deleted bytes may remain there until the next checkpoint. Stop other readers of the ledger and run the erasure again.");
        }
    }

    public void Dispose() => _deleteInput.Dispose();
}
