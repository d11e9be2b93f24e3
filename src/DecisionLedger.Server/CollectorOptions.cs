namespace DecisionLedger.Server;

/// <summary>Limits and clock of the collector.</summary>
public sealed class CollectorOptions
{
    /// <summary>The default largest <c>application/json</c> body: 1 MiB (one decision).</summary>
    public const long DefaultMaxDecisionBytes = 1L << 20;

    /// <summary>The default largest <c>application/x-ndjson</c> body: 64 MiB (one batch).</summary>
    public const long DefaultMaxBatchBytes = 64L << 20;

    /// <summary>
    /// The largest decision: an <c>application/json</c> body over it gets 413 and records nothing; an NDJSON
    /// line over it is refused as that line's error. Default 1 MiB.
    /// </summary>
    public long MaxDecisionBytes { get; set; } = DefaultMaxDecisionBytes;

    /// <summary>The largest body of an NDJSON batch; a larger one gets 413 and records nothing. Default 64 MiB.</summary>
    public long MaxBatchBytes { get; set; } = DefaultMaxBatchBytes;

    /// <summary>The largest page of <c>GET /v1/decisions</c>. Default 1,000.</summary>
    public int MaxQueryLimit { get; set; } = 1000;

    /// <summary>
    /// Creates the store of the ledger from its directory; null (the default) for the SQLite
    /// database inside the directory. <c>dledger serve --store postgres</c> sets a PostgreSQL store
    /// here, while keys and config stay in the directory.
    /// </summary>
    public Func<DecisionLedger.Ledger.LedgerDirectory, DecisionLedger.Storage.ILedgerStore>? StoreFactory { get; set; }

    /// <summary>The clock of timestamps, checkpoints and the access log. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
