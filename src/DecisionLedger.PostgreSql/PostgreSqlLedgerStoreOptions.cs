namespace DecisionLedger.PostgreSql;

/// <summary>Settings of a <see cref="PostgreSqlLedgerStore"/>.</summary>
public sealed class PostgreSqlLedgerStoreOptions
{
    /// <summary>The schema holding the ledger's tables (one ledger per schema). Default <c>decisionledger</c>.</summary>
    public string Schema { get; set; } = "decisionledger";

    /// <summary>
    /// Runs the migrations on open when the schema is missing or older than this code. Default
    /// false: production connects as the application role, which cannot create tables; run
    /// <see cref="PostgreSqlLedgerMigrator"/> (or <c>dledger migrate</c>) with the owner
    /// connection first. Set it for development, when the store connects as the owner.
    /// </summary>
    public bool MigrateOnOpen { get; set; }

    /// <summary>
    /// How many months of entry partitions beyond the current one are created on open, so a
    /// month boundary never waits for DDL. Default 2. Partitions for other months (e.g.
    /// decisions with old timestamps) are created when a batch first needs them.
    /// </summary>
    public int PartitionMonthsAhead { get; set; } = 2;

    /// <summary>Opens for reading only: no migration, no partition creation, every write fails. Default false.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>The clock that decides which month's partitions are created ahead on open. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
