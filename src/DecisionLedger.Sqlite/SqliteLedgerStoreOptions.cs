namespace DecisionLedger.Sqlite;

/// <summary>Settings of a <see cref="SqliteLedgerStore"/>.</summary>
public sealed class SqliteLedgerStoreOptions
{
    /// <summary>
    /// How hard the writer syncs to disk. Default <see cref="SqliteSynchronousMode.Full"/>: every
    /// appended batch is durable when <c>AppendAsync</c> returns (one fsync per batch).
    /// </summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>
    /// How long a statement waits for a lock held by another connection or process (for
    /// example the CLI writing to the same file) before failing. Default 30 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Opens the database for reading only: the file must exist and hold a ledger, and every
    /// write fails with <see cref="Storage.LedgerStoreException"/>. Default false.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// When the decision index is written. Default <see cref="SqliteIndexMode.Deferred"/>: a
    /// background indexer keeps it a few milliseconds behind the commits, off the commit path.
    /// A read-only store runs no indexer; its queries scan whatever is not indexed yet.
    /// </summary>
    public SqliteIndexMode IndexMode { get; set; } = SqliteIndexMode.Deferred;

    /// <summary>
    /// Tests only: open without starting the background indexer, so the index lags until
    /// <see cref="SqliteLedgerStore.IndexPendingAsync"/> is called.
    /// </summary>
    internal bool IndexerPaused { get; set; }
}
