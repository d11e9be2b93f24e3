using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// Writes the decision index (<c>entry_index</c> rows and the field catalog) and its watermark on
/// the writer's connection, always in one transaction with each other: either a range of entries
/// is indexed and the watermark says so, or neither. So a crash between a commit and its indexing
/// loses nothing (the indexer starts again from the watermark) and nothing is indexed twice (the
/// seq primary key of <c>entry_index</c> would refuse it). Not thread-safe: the store serializes calls.
/// </summary>
internal sealed class SqliteIndexWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _path;
    private readonly SqliteRowStatement _insertIndex;
    private readonly SqliteCommand _readWatermark;
    private readonly SqliteCommand _setWatermark;
    private readonly SqliteParameter _watermark;
    private readonly SqliteCommand _readEntries;
    private readonly SqliteCommand _readInputs;
    private readonly byte[] _scratch = new byte[Sha256Hash.Size];

    public SqliteIndexWriter(SqliteConnection connection, string path)
    {
        _connection = connection;
        _path = path;
        _insertIndex = new SqliteRowStatement(connection,
            "INSERT INTO entry_index(seq, model, version, user_id, tenant, subject_key, fingerprint_key, ts, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9);");
        _readWatermark = Command("SELECT watermark FROM index_state WHERE id = 0;");
        _setWatermark = Command("UPDATE index_state SET watermark = @watermark WHERE id = 0;");
        _watermark = _setWatermark.Parameters.Add("@watermark", SqliteType.Integer);
        _readEntries = Command("SELECT " + SqliteSchema.EntryColumns + " FROM entries WHERE seq >= @from AND seq < @to ORDER BY seq;");
        _readEntries.Parameters.Add("@from", SqliteType.Integer);
        _readEntries.Parameters.Add("@to", SqliteType.Integer);
        _readInputs = Command("SELECT seq, salt, input FROM inputs WHERE seq >= @from AND seq < @to ORDER BY seq;");
        _readInputs.Parameters.Add("@from", SqliteType.Integer);
        _readInputs.Parameters.Add("@to", SqliteType.Integer);
        Catalog = new SqliteFieldCatalogWriter(connection);
    }

    /// <summary>The field catalog's writes on this connection.</summary>
    public SqliteFieldCatalogWriter Catalog { get; }

    /// <summary>Makes the commands run in <paramref name="transaction"/> (the writer's, or one of <see cref="IndexNext"/>).</summary>
    public void Enlist(SqliteTransaction? transaction)
    {
        _readWatermark.Transaction = transaction;
        _setWatermark.Transaction = transaction;
        _readEntries.Transaction = transaction;
        _readInputs.Transaction = transaction;
        Catalog.Enlist(transaction);
    }

    /// <summary>How many entries are indexed (all seqs below it), read in the current transaction.</summary>
    public long ReadWatermark() => _readWatermark.ExecuteScalar() is long watermark ? watermark : 0;

    /// <summary>
    /// Indexes the entries from the watermark on, about <paramref name="maxEntries"/> of them, in
    /// one IMMEDIATE transaction of its own; returns how many were indexed (0 when caught up). The
    /// entries come from <paramref name="held"/> when it holds the one at the watermark, else from the file.
    /// </summary>
    /// <param name="maxEntries">The most entries to index in this transaction.</param>
    /// <param name="held">Committed batches still in memory, or null to read from the file.</param>
    /// <param name="relaxSync">
    /// Commit this transaction with <c>synchronous = NORMAL</c> (no fsync of its own) when the
    /// connection is stricter. The index is derived from the log, so this is safe: in WAL mode the
    /// next FULL commit of the log (or a checkpoint) syncs these frames too, and a transaction lost
    /// to a crash takes its watermark with it, so its entries are indexed again on the next open.
    /// </param>
    public int IndexNext(int maxEntries, SqliteCommittedBatches? held = null, bool relaxSync = false)
    {
        long restore = relaxSync ? ReadSynchronous() : -1;
        if (restore > (long)SqliteSynchronousMode.Normal)
        {
            SetSynchronous((long)SqliteSynchronousMode.Normal);
        }
        else
        {
            restore = -1;
        }

        try
        {
            return IndexNextInTransaction(maxEntries, held);
        }
        finally
        {
            if (restore >= 0)
            {
                SetSynchronous(restore);
            }
        }
    }

    private long ReadSynchronous()
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        return (long)command.ExecuteScalar()!;
    }

    private void SetSynchronous(long mode)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = FormattableString.Invariant($"PRAGMA synchronous = {mode};");
        command.ExecuteNonQuery();
    }

    private int IndexNextInTransaction(int maxEntries, SqliteCommittedBatches? held)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        Enlist(transaction);
        try
        {
            long from = ReadWatermark();
            var entries = new List<StoredEntry>();
            var inputs = new List<StoredInput>();
            Dictionary<string, HashSet<string>>? fieldPaths = null;
            if (held is null || !held.Take(from, maxEntries, entries, inputs, out fieldPaths))
            {
                fieldPaths = null;
                long to = from + maxEntries;
                if (held?.FirstSeq is { } first && first > from)
                {
                    to = Math.Min(to, first);
                }

                ReadStored(from, to, entries, inputs);
            }

            if (entries.Count == 0)
            {
                return 0;
            }

            List<(string Model, string Path)> paths = Index(entries, inputs, fieldPaths);
            transaction.Commit();
            Catalog.Remember(paths);
            return entries.Count;
        }
        finally
        {
            Enlist(null);
        }
    }

    /// <summary>Indexes the stored entries in [<paramref name="from"/>, <paramref name="to"/>) inside the current transaction.</summary>
    /// <returns>The catalog paths written, to <see cref="SqliteFieldCatalogWriter.Remember"/> once the transaction commits.</returns>
    public List<(string Model, string Path)> IndexStored(long from, long to)
    {
        var entries = new List<StoredEntry>();
        var inputs = new List<StoredInput>();
        ReadStored(from, to, entries, inputs);
        return entries.Count == 0 ? [] : Index(entries, inputs, fieldPaths: null);
    }

    private void ReadStored(long from, long to, List<StoredEntry> entries, List<StoredInput> inputs)
    {
        SetRange(_readEntries, from, to);
        using (SqliteDataReader reader = _readEntries.ExecuteReader())
        {
            while (reader.Read())
            {
                entries.Add(SqliteRows.ReadEntry(reader, _scratch, _path));
            }
        }

        SetRange(_readInputs, from, to);
        using (SqliteDataReader reader = _readInputs.ExecuteReader())
        {
            while (reader.Read())
            {
                inputs.Add(new StoredInput(
                    reader.GetInt64(0),
                    reader.IsDBNull(1) ? [] : reader.GetFieldValue<byte[]>(1),
                    reader.IsDBNull(2) ? [] : reader.GetFieldValue<byte[]>(2)));
            }
        }
    }

    /// <summary>
    /// Indexes <paramref name="entries"/> (contiguous, starting at the watermark) with their
    /// <paramref name="inputs"/> inside the current transaction and moves the watermark past them.
    /// </summary>
    /// <param name="entries">The entries.</param>
    /// <param name="inputs">Their stored inputs.</param>
    /// <param name="fieldPaths">Their field paths as the recorder collected them, or null to collect them here from the bytes.</param>
    /// <returns>The catalog paths written, to <see cref="SqliteFieldCatalogWriter.Remember"/> once the transaction commits.</returns>
    public List<(string Model, string Path)> Index(IReadOnlyList<StoredEntry> entries, IReadOnlyList<StoredInput> inputs, IReadOnlyDictionary<string, HashSet<string>>? fieldPaths)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            StoredEntry entry = entries[i];
            EntryColumns columns = entry.Columns;
            _insertIndex.Bind(1, entry.Seq);
            _insertIndex.Bind(2, columns.ModelName);
            _insertIndex.Bind(3, columns.ModelVersion);
            _insertIndex.Bind(4, columns.UserId);
            _insertIndex.Bind(5, columns.Tenant);
            BindKey(6, SqliteSchema.SubjectKey(columns.SubjectId));
            BindKey(7, SqliteSchema.FingerprintKey(columns.InputFingerprint));
            _insertIndex.Bind(8, SqliteRows.ToUnixMicroseconds(columns.Timestamp));
            _insertIndex.Bind(9, columns.Kind);
            _insertIndex.Execute();
        }

        List<(string Model, string Path)> paths = Catalog.InsertNew(fieldPaths ?? FieldPathCollector.Collect(entries, inputs));
        if (entries.Count > 0)
        {
            _watermark.Value = entries[^1].Seq + 1;
            _setWatermark.ExecuteNonQuery();
        }

        return paths;
    }

    public void Dispose()
    {
        _insertIndex.Dispose();
        _readWatermark.Dispose();
        _setWatermark.Dispose();
        _readEntries.Dispose();
        _readInputs.Dispose();
        Catalog.Dispose();
    }

    private void BindKey(int index, long? key)
    {
        if (key is { } value)
        {
            _insertIndex.Bind(index, value);
        }
        else
        {
            _insertIndex.BindNull(index);
        }
    }

    private static void SetRange(SqliteCommand command, long from, long to)
    {
        command.Parameters[0].Value = from;
        command.Parameters[1].Value = to;
    }

    private SqliteCommand Command(string sql)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
