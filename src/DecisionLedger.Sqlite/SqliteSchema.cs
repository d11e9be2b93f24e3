using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>The ledger's tables, indexes and append-only triggers, versioned by <c>PRAGMA user_version</c>.</summary>
internal static class SqliteSchema
{
    /// <summary>The schema version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The columns every entry query selects, in the order <see cref="SqliteRows.ReadEntry"/> reads them.</summary>
    public const string EntryColumns =
        "seq, request_id, ts, model, version, user_id, tenant, subject_id, fingerprint, kind, leaf_hash, body";

    // Every statement is idempotent, so opening also restores an index or trigger someone dropped.
    // Index choice: each filter column leads an index whose last column is seq, so "newest first,
    // LIMIT n" walks the index backwards and stops after n rows (seq is the rowid, so a
    // single-column index already ends in it; it is spelled out for the reader). Kind is indexed
    // only for non-decision entries: they are rare, and the hot path pays nothing for them.
    // Fingerprints are uniformly random, so their index takes a random insert per entry: it
    // indexes the first 8 bytes as an integer (fingerprint_key) instead of the 64-character hex,
    // a quarter of the size, and lookups confirm the full fingerprint column (measured: 29k →
    // 41k entries/s on 2 cores with 16 KiB pages). A model without a version needs its own
    // (model, seq) index: through (model, version, seq) SQLite must collect and sort every entry of
    // the model before the first row, and with a where predicate parse every one of them.
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
        CREATE INDEX IF NOT EXISTS ix_entries_model ON entries(model, version, seq);
        CREATE INDEX IF NOT EXISTS ix_entries_model_seq ON entries(model, seq);
        CREATE INDEX IF NOT EXISTS ix_entries_user ON entries(user_id, seq);
        CREATE INDEX IF NOT EXISTS ix_entries_tenant ON entries(tenant, seq);
        CREATE INDEX IF NOT EXISTS ix_entries_subject ON entries(subject_id, seq);
        CREATE INDEX IF NOT EXISTS ix_entries_fingerprint ON entries(fingerprint_key);
        CREATE INDEX IF NOT EXISTS ix_entries_ts ON entries(ts);
        CREATE INDEX IF NOT EXISTS ix_entries_event_kind ON entries(kind, seq) WHERE kind <> 'decision';
        CREATE TABLE IF NOT EXISTS inputs(
            seq INTEGER PRIMARY KEY,
            salt BLOB,
            input BLOB);
        CREATE TABLE IF NOT EXISTS subject_keys(
            subject_id TEXT PRIMARY KEY,
            wrapped_key BLOB NOT NULL,
            created_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now')));
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
        CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
            BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
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

    /// <summary>
    /// The indexed integer of a fingerprint: its first 16 hex digits (8 bytes), or null when
    /// absent or not hex. Collisions only widen a lookup; the full column decides.
    /// </summary>
    public static long? FingerprintKey(string? fingerprint) =>
        fingerprint is { Length: >= 16 } && long.TryParse(fingerprint.AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out long key)
            ? key
            : null;

    /// <summary>Creates or completes the schema on a writable connection.</summary>
    /// <returns>True when the field catalog was just created beside existing entries, so it must be backfilled.</returns>
    /// <exception cref="LedgerStoreException">The file was written by a newer version.</exception>
    public static bool Ensure(SqliteConnection connection, string path)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        long version = ReadVersion(connection, transaction);
        ThrowIfNewer(version, path);

        // The field catalog came after schema version 1 without changing it (the table is additive):
        // a ledger that has entries but no catalog was written by an older DecisionLedger.
        bool backfill = HasTable(connection, transaction, "entries") && !HasTable(connection, transaction, "field_paths");
        using (SqliteCommand create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = Ddl + $"PRAGMA user_version = {Version};";
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
