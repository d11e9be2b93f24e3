namespace DecisionLedger.Sqlite;

/// <summary>
/// The archive part of the schema: the append-only <c>archived_ranges</c> table and the delete
/// trigger of <c>entries</c>, which lets exactly one kind of row go: a decision entry inside a
/// recorded archived range. Event entries, and decisions outside every range, stay append-only.
/// </summary>
internal static class SqliteArchiveSchema
{
    /// <summary>The error a refused delete raises; tests and messages match on it.</summary>
    public const string AppendOnlyMessage = "entries are append-only";

    // The trigger is dropped and created on every writable open (cheap, and no user_version bump):
    // files written before archiving existed carry the old trigger that refuses every delete, and
    // a trigger someone dropped comes back. removed_rows may only grow: it is what the head check
    // adds to count(entries) to tell archived seqs from missing ones. archived_request_ids keeps the
    // request id of every removed decision, so a redelivered decision is still refused as a duplicate
    // after its body moved to the archive (about 50 bytes a decision stay live for it).
    // archived_chain_keys keeps the subject and model of every removed decision (about 40 bytes a
    // decision): the chain heads of an entry-format-2 ledger (last seq and count per subject and per
    // model) are read from the store, and without these rows the next recorder, verification and
    // completeness proofs would count the archived decisions as if they had never been written.
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS archived_ranges(
            first_seq INTEGER PRIMARY KEY,
            last_seq INTEGER NOT NULL,
            event_seq INTEGER NOT NULL,
            destination TEXT NOT NULL,
            removed_rows INTEGER NOT NULL DEFAULT 0,
            CHECK (last_seq >= first_seq));
        CREATE TRIGGER IF NOT EXISTS archived_ranges_no_delete BEFORE DELETE ON archived_ranges
            BEGIN SELECT RAISE(ABORT, 'archived ranges are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS archived_ranges_no_update BEFORE UPDATE ON archived_ranges
            WHEN new.first_seq IS NOT old.first_seq OR new.last_seq IS NOT old.last_seq OR new.event_seq IS NOT old.event_seq
                OR new.destination IS NOT old.destination OR new.removed_rows < old.removed_rows
            BEGIN SELECT RAISE(ABORT, 'archived ranges are append-only'); END;
        CREATE TABLE IF NOT EXISTS archived_request_ids(
            request_id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TRIGGER IF NOT EXISTS archived_request_ids_no_delete BEFORE DELETE ON archived_request_ids
            BEGIN SELECT RAISE(ABORT, 'archived request ids are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS archived_request_ids_no_update BEFORE UPDATE ON archived_request_ids
            BEGIN SELECT RAISE(ABORT, 'archived request ids are append-only'); END;
        CREATE TABLE IF NOT EXISTS archived_chain_keys(
            seq INTEGER PRIMARY KEY,
            subject_id TEXT,
            model TEXT NOT NULL);
        CREATE TRIGGER IF NOT EXISTS archived_chain_keys_no_delete BEFORE DELETE ON archived_chain_keys
            BEGIN SELECT RAISE(ABORT, 'archived chain keys are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS archived_chain_keys_no_update BEFORE UPDATE ON archived_chain_keys
            BEGIN SELECT RAISE(ABORT, 'archived chain keys are append-only'); END;
        DROP TRIGGER IF EXISTS entries_no_delete;
        CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
            WHEN old.kind IS NOT 'decision'
                OR NOT EXISTS (SELECT 1 FROM archived_ranges a WHERE old.seq BETWEEN a.first_seq AND a.last_seq)
            BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
        """;
}
