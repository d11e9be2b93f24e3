using DecisionLedger.Erasure;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The erasing writes of the writer connection: stored inputs (with the fingerprints and catalog
/// paths derived from them) and subject keys deleted, each in its own IMMEDIATE transaction, then the WAL checkpointed and truncated so no earlier frame
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
    /// Erases the given entries' stored inputs and every trace derived from them, in one
    /// transaction: the input rows (secure_delete zeroes their bytes in the pages), the entries'
    /// input fingerprints (so a guessed input can no longer be confirmed with
    /// <c>query --same-input</c>), and the field-catalog paths only these inputs held. Then
    /// checkpoints and truncates the WAL so no earlier frame keeps a copy; returns how many input rows went.
    /// </summary>
    /// <param name="seqs">The erased decisions' seqs; fingerprints are cleared even where the input was already gone.</param>
    /// <param name="catalog">The writer's field catalog, told which paths were forgotten once the transaction commits.</param>
    /// <exception cref="LedgerStoreException">The WAL could not be truncated because another connection is reading.</exception>
    public int DeleteInputs(IReadOnlyCollection<long> seqs, SqliteFieldCatalogWriter catalog)
    {
        int deleted = 0;
        int cleared;
        List<(string Model, string Path)> forgotten;
        using (SqliteTransaction transaction = _connection.BeginTransaction(deferred: false))
        {
            var paths = new ErasedFieldPaths();
            CollectErasedPaths(transaction, seqs, paths);
            _deleteInput.Transaction = transaction;
            foreach (long seq in seqs)
            {
                _deleteSeq.Value = seq;
                deleted += _deleteInput.ExecuteNonQuery();
            }

            cleared = ClearFingerprints(transaction, seqs);
            forgotten = ForgetOrphanedPaths(transaction, paths);
            transaction.Commit();
        }

        catalog.Forget(forgotten);
        if (deleted > 0 || cleared > 0 || forgotten.Count > 0)
        {
            TruncateWal($"{deleted} stored inputs");
        }

        return deleted;
    }

    private void CollectErasedPaths(SqliteTransaction transaction, IReadOnlyCollection<long> seqs, ErasedFieldPaths paths)
    {
        using SqliteCommand read = _connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT COALESCE(e.model, ''), i.input FROM inputs i JOIN entries e ON e.seq = i.seq WHERE i.seq = @seq AND i.input IS NOT NULL;";
        SqliteParameter seqParameter = read.Parameters.Add("@seq", SqliteType.Integer);
        foreach (long seq in seqs)
        {
            seqParameter.Value = seq;
            using SqliteDataReader reader = read.ExecuteReader();
            if (reader.Read())
            {
                paths.AddErased(reader.GetString(0), reader.GetFieldValue<byte[]>(1));
            }
        }
    }

    // The entries table refuses every UPDATE (trigger entries_no_update). Clearing a fingerprint
    // changes no hashed byte (the fingerprint is an index column, never part of an entry), so the
    // trigger is lifted for exactly this statement and put back, with its stored text, in the same
    // IMMEDIATE transaction: no other connection ever sees the table without it.
    private int ClearFingerprints(SqliteTransaction transaction, IReadOnlyCollection<long> seqs)
    {
        string? trigger;
        using (SqliteCommand read = Statement(transaction, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'entries_no_update';"))
        {
            trigger = read.ExecuteScalar() as string;
        }

        if (trigger is not null)
        {
            using SqliteCommand drop = Statement(transaction, "DROP TRIGGER entries_no_update;");
            drop.ExecuteNonQuery();
        }

        int cleared = 0;
        using (SqliteCommand clear = Statement(transaction, "UPDATE entries SET fingerprint = NULL, fingerprint_key = NULL WHERE seq = @seq AND (fingerprint IS NOT NULL OR fingerprint_key IS NOT NULL);"))
        using (SqliteCommand clearIndex = Statement(transaction, "UPDATE entry_index SET fingerprint_key = NULL WHERE seq = @seq AND fingerprint_key IS NOT NULL;"))
        {
            SqliteParameter seqParameter = clear.Parameters.Add("@seq", SqliteType.Integer);
            SqliteParameter indexSeq = clearIndex.Parameters.Add("@seq", SqliteType.Integer);
            foreach (long seq in seqs)
            {
                seqParameter.Value = seq;
                indexSeq.Value = seq;
                cleared += clear.ExecuteNonQuery();
                cleared += clearIndex.ExecuteNonQuery();
            }
        }

        if (trigger is not null)
        {
            using SqliteCommand create = Statement(transaction, trigger + ";");
            create.ExecuteNonQuery();
        }

        return cleared;
    }

    // Newest first: the inputs a model is recorded with now are the likeliest to share the erased
    // inputs' shape, so the scan usually settles within the first rows.
    private List<(string Model, string Path)> ForgetOrphanedPaths(SqliteTransaction transaction, ErasedFieldPaths paths)
    {
        foreach (string model in paths.PendingModels.ToList())
        {
            using SqliteCommand scan = Statement(
                transaction,
                "SELECT i.input FROM inputs i JOIN entries e ON e.seq = i.seq WHERE COALESCE(e.model, '') = @model AND i.input IS NOT NULL ORDER BY i.seq DESC;");
            scan.Parameters.AddWithValue("@model", model);
            using SqliteDataReader reader = scan.ExecuteReader();
            while (!paths.IsSettled(model) && reader.Read())
            {
                paths.SeenRemaining(model, reader.GetFieldValue<byte[]>(0));
            }
        }

        List<(string Model, string Path)> orphaned = paths.Orphaned();
        using SqliteCommand delete = Statement(transaction, "DELETE FROM field_paths WHERE model = @model AND path = @path;");
        SqliteParameter modelParameter = delete.Parameters.Add("@model", SqliteType.Text);
        SqliteParameter pathParameter = delete.Parameters.Add("@path", SqliteType.Text);
        var forgotten = new List<(string Model, string Path)>(orphaned.Count);
        foreach ((string model, string path) in orphaned)
        {
            modelParameter.Value = model;
            pathParameter.Value = path;
            if (delete.ExecuteNonQuery() > 0)
            {
                forgotten.Add((model, path));
            }
        }

        return forgotten;
    }

    private SqliteCommand Statement(SqliteTransaction transaction, string sql)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
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
            TruncateWal("a subject key");
        }

        return deleted > 0;
    }

    /// <summary>
    /// Deletes a subject's row of the <c>subjects</c> mapping (secure_delete zeroes it in the pages),
    /// then truncates the WAL so no earlier frame keeps the clear id; returns the ref it held, or null.
    /// </summary>
    /// <exception cref="LedgerStoreException">The WAL could not be truncated because another connection is reading.</exception>
    public string? DeleteSubjectRef(string subjectId)
    {
        string? deleted;
        using (SqliteTransaction transaction = _connection.BeginTransaction(deferred: false))
        {
            using SqliteCommand select = Statement(transaction, "SELECT ref FROM subjects WHERE subject_id = @subject;");
            select.Parameters.AddWithValue("@subject", subjectId);
            deleted = select.ExecuteScalar() as string;
            using SqliteCommand delete = Statement(transaction, "DELETE FROM subjects WHERE subject_id = @subject;");
            delete.Parameters.AddWithValue("@subject", subjectId);
            delete.ExecuteNonQuery();
            transaction.Commit();
        }

        if (deleted is not null)
        {
            TruncateWal("a subject mapping");
        }

        return deleted;
    }

    private void TruncateWal(string deleted)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using SqliteDataReader reader = command.ExecuteReader();
        if (reader.Read() && reader.GetInt64(0) != 0)
        {
            throw new LedgerStoreException(
                $"Deleted {deleted} from '{_path}', but could not truncate its write-ahead log ('{_path}-wal') because another connection is reading: " +
                "copies of the deleted bytes may remain there until the next checkpoint. Stop other readers of the ledger and run the erasure again.");
        }
    }

    public void Dispose() => _deleteInput.Dispose();
}
