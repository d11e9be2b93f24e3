using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>The ledger's tables, indexes and append-only triggers, versioned by <c>PRAGMA user_version</c>.</summary>
internal static class SqliteSchema
{
    /// <summary>
    /// The schema version this code writes and reads. Version 2 moved the secondary indexes off the
    /// entries table into <c>entry_index</c>, which the indexer fills after the commit. Version 3
    /// added the <c>subjects</c> mapping of entry v2 (clear subject id → ref); older files get the
    /// empty table on their first writable open.
    /// </summary>
    public const int Version = 3;

    /// <summary>The columns every entry query selects, in the order <see cref="SqliteRows.ReadEntry"/> reads them.</summary>
    public const string EntryColumns =
        "seq, request_id, ts, model, version, user_id, tenant, subject_id, fingerprint, kind, leaf_hash, body";

    /// <summary><see cref="EntryColumns"/> qualified by the entries table, for statements that join <c>entry_index</c>.</summary>
    public const string QualifiedEntryColumns =
        "entries.seq, entries.request_id, entries.ts, entries.model, entries.version, entries.user_id, entries.tenant, " +
        "entries.subject_id, entries.fingerprint, entries.kind, entries.leaf_hash, entries.body";

    // Every statement is idempotent, so opening also restores an index or trigger someone dropped.
    // The entries table is the log: the commit writes it with no index but the request id's
    // (uniqueness is checked at commit). Its filter columns stay in the row, so an entry reads back
    // without parsing its body and the not-yet-indexed tail can be filtered in SQL. Version 1
    // files have the same table; only their seven secondary indexes (ix_entries_*) are dropped.
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS entries(
            seq INTEGER PRIMARY KEY,
            request_id TEXT NOT NULL UNIQUE,
            ts INTEGER NOT NULL,
            model TEXT,
            version TEXT,
            user_id TEXT,
            tenant TEXT,
            subject_id TEXT,
            fingerprint TEXT,
            fingerprint_key INTEGER,
            kind TEXT,
            leaf_hash BLOB NOT NULL,
            body BLOB NOT NULL);
        """ + IndexDdl + """
        CREATE TABLE IF NOT EXISTS inputs(
            seq INTEGER PRIMARY KEY,
            salt BLOB,
            input BLOB);
        CREATE TABLE IF NOT EXISTS subject_keys(
            subject_id TEXT PRIMARY KEY,
            wrapped_key BLOB NOT NULL,
            created_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now')));
        CREATE TABLE IF NOT EXISTS subjects(
            subject_id TEXT PRIMARY KEY,
            ref TEXT NOT NULL UNIQUE) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS field_paths(
            model TEXT NOT NULL,
            path TEXT NOT NULL,
            PRIMARY KEY(model, path)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tiles(
            level INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY(level, idx)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS checkpoints(
            id INTEGER PRIMARY KEY,
            tree_size INTEGER NOT NULL,
            root BLOB NOT NULL,
            note TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS clean_close(
            id INTEGER PRIMARY KEY CHECK (id = 0),
            tree_size INTEGER NOT NULL);
        CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
            BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS tiles_no_update BEFORE UPDATE ON tiles
            BEGIN SELECT RAISE(ABORT, 'tiles are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS tiles_no_delete BEFORE DELETE ON tiles
            BEGIN SELECT RAISE(ABORT, 'tiles are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS checkpoints_no_update BEFORE UPDATE ON checkpoints
            BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS checkpoints_no_delete BEFORE DELETE ON checkpoints
            BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
        """;

    // The decision index, written by the indexer (SqliteIndexWriter) up to index_state.watermark,
    // in the same transaction as the watermark. Index choice: each filter column leads an index
    // whose last column is seq, so "newest first, LIMIT n" walks the index backwards and stops after
    // n rows (seq is the rowid, so a single-column index already ends in it). Kind is indexed only
    // for non-decision entries: they are rare. Fingerprints and subjects are indexed as 8-byte
    // integers (cheaper random inserts than text); a lookup confirms the full column of the entry,
    // so a collision only widens it. A model without a version needs its own (model, seq) index:
    // through (model, version, seq) SQLite must collect and sort every entry of the model first.
    // Timestamps are indexed per row: they come from callers and are not monotonic in seq, so a
    // sparse seq-to-time map could not answer a time range.
    private const string IndexDdl = """
        CREATE TABLE IF NOT EXISTS entry_index(
            seq INTEGER PRIMARY KEY,
            model TEXT,
            version TEXT,
            user_id TEXT,
            tenant TEXT,
            subject_key INTEGER,
            fingerprint_key INTEGER,
            ts INTEGER NOT NULL,
            kind TEXT);
        CREATE INDEX IF NOT EXISTS ix_entry_index_model ON entry_index(model, version, seq);
        CREATE INDEX IF NOT EXISTS ix_entry_index_model_seq ON entry_index(model, seq);
        CREATE INDEX IF NOT EXISTS ix_entry_index_user ON entry_index(user_id, seq);
        CREATE INDEX IF NOT EXISTS ix_entry_index_tenant ON entry_index(tenant, seq);
        CREATE INDEX IF NOT EXISTS ix_entry_index_subject ON entry_index(subject_key, seq);
        CREATE INDEX IF NOT EXISTS ix_entry_index_fingerprint ON entry_index(fingerprint_key);
        CREATE INDEX IF NOT EXISTS ix_entry_index_ts ON entry_index(ts);
        CREATE INDEX IF NOT EXISTS ix_entry_index_event_kind ON entry_index(kind, seq) WHERE kind <> 'decision';
        CREATE TABLE IF NOT EXISTS index_state(
            id INTEGER PRIMARY KEY CHECK (id = 0),
            watermark INTEGER NOT NULL);
        INSERT OR IGNORE INTO index_state(id, watermark) VALUES (0, 0);
        """;

    // Version 1 indexed the entries table inside the commit; version 2 leaves it to the indexer,
    // which starts at watermark 0 and so indexes every existing entry once, in the background.
    private const string DropVersion1Indexes = """
        DROP INDEX IF EXISTS ix_entries_model;
        DROP INDEX IF EXISTS ix_entries_model_seq;
        DROP INDEX IF EXISTS ix_entries_user;
        DROP INDEX IF EXISTS ix_entries_tenant;
        DROP INDEX IF EXISTS ix_entries_subject;
        DROP INDEX IF EXISTS ix_entries_fingerprint;
        DROP INDEX IF EXISTS ix_entries_ts;
        DROP INDEX IF EXISTS ix_entries_event_kind;
        """;

    /// <summary>
    /// The indexed integer of a fingerprint: its first 16 hex digits (8 bytes), or null when
    /// absent or not hex. Collisions only widen a lookup; the full column decides.
    /// </summary>
    public static long? FingerprintKey(string? fingerprint) =>
        fingerprint is { Length: >= 16 } && long.TryParse(fingerprint.AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out long key)
            ? key
            : null;

    /// <summary>
    /// The indexed integer of a subject id: the first 8 bytes of its UTF-8 SHA-256, or null when
    /// absent. Collisions only widen a lookup; the entry's subject_id column decides.
    /// </summary>
    public static long? SubjectKey(string? subjectId)
    {
        if (subjectId is null)
        {
            return null;
        }

        // Encoded on the stack for the usual short id: verification derives this once per entry.
        int length = System.Text.Encoding.UTF8.GetMaxByteCount(subjectId.Length);
        Span<byte> utf8 = length <= 512 ? stackalloc byte[512] : new byte[length];
        int written = System.Text.Encoding.UTF8.GetBytes(subjectId, utf8);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(utf8[..written], hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>Creates or completes the schema on a writable connection.</summary>
    /// <returns>True when the field catalog was just created beside existing entries, so it must be backfilled.</returns>
    /// <exception cref="LedgerStoreException">The file was written by a newer version.</exception>
    public static bool Ensure(SqliteConnection connection, string path)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        long version = ReadVersion(connection, transaction);
        ThrowIfNewer(version, path);

        // The field catalog came after schema version 1 without changing it (the table is additive):
        // a ledger that has entries but no catalog was written by an older DecisionLedger. A version 1
        // file gets its catalog from the indexer, which reads every entry anyway.
        bool backfill = version >= 2 && HasTable(connection, transaction, "entries") && !HasTable(connection, transaction, "field_paths");
        using (SqliteCommand create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = (version == 1 ? DropVersion1Indexes : "") + Ddl + SqliteArchiveSchema.Ddl + $"PRAGMA user_version = {Version};";
            create.ExecuteNonQuery();
        }

        transaction.Commit();
        return backfill;
    }

    /// <summary>True when the database holds a table named <paramref name="table"/>.</summary>
    public static bool HasTable(SqliteConnection connection, SqliteTransaction? transaction, string table)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @name;";
        command.Parameters.AddWithValue("@name", table);
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>Checks a read-only connection sees a ledger this code can read.</summary>
    /// <exception cref="LedgerStoreException">The file holds no ledger, or a newer one.</exception>
    public static void Check(SqliteConnection connection, string path)
    {
        long version = ReadVersion(connection, null);
        if (version == 0)
        {
            throw new LedgerStoreException(
                $"The file '{path}' holds no ledger (it has no DecisionLedger schema). Open it once writable, or check the path.");
        }

        ThrowIfNewer(version, path);
    }

    private static long ReadVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return (long)command.ExecuteScalar()!;
    }

    private static void ThrowIfNewer(long version, string path)
    {
        if (version > Version)
        {
            throw new LedgerStoreException(
                $"The ledger database '{path}' has schema version {version}, newer than this DecisionLedger understands ({Version}). Upgrade DecisionLedger to open it.");
        }
    }
}
