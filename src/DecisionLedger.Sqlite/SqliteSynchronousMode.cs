namespace DecisionLedger.Sqlite;

/// <summary>The SQLite <c>PRAGMA synchronous</c> setting of the writer connection.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>No fsync: a power loss can lose or corrupt recent batches. Never use for an audit trail.</summary>
    Off = 0,

    /// <summary>In WAL mode, fsync at checkpoints only: a power loss can lose the last committed batches, never corrupt the file.</summary>
    Normal = 1,

    /// <summary>Fsync the WAL on every commit: a batch is durable when <c>AppendAsync</c> returns. The default.</summary>
    Full = 2,

    /// <summary>Like <see cref="Full"/>, and also syncs the directory after the journal changes.</summary>
    Extra = 3,
}
