namespace DecisionLedger.Sqlite;

/// <summary>When a <see cref="SqliteLedgerStore"/> writes the decision index (the filter columns and the field catalog).</summary>
public enum SqliteIndexMode
{
    /// <summary>
    /// After the commit, by a background indexer that follows the log and records how far it got
    /// in the file (the watermark). The commit writes only the entries, inputs, tiles and
    /// checkpoint; queries scan the entries the indexer has not reached yet, so their results are
    /// the same with or without lag.
    /// </summary>
    Deferred,

    /// <summary>Inside the commit transaction, as before version 2 of the schema: an append returns with its entries indexed.</summary>
    Synchronous,
}
