using DecisionLedger.Recording;

namespace DecisionLedger.AspNetCore.Hosting;

/// <summary>Options of the ledger an ASP.NET Core service records into; validated when the host starts.</summary>
public sealed class DecisionLedgerOptions
{
    /// <summary>
    /// The origin of a ledger created on first start, e.g. <c>decisionledger.example/fraud</c>.
    /// An existing ledger keeps the origin it was created with. Default <c>decisionledger.local/default</c>.
    /// </summary>
    public string Origin { get; set; } = "decisionledger.local/default";

    /// <summary>The ledger directory (keys, config, and the SQLite database unless another store is chosen), set by <see cref="DecisionLedgerBuilder.UseSqlite"/> or <see cref="DecisionLedgerBuilder.UsePostgreSql"/>. Required; default null.</summary>
    public string? LedgerPath { get; set; }

    /// <summary>Creates the store from the opened ledger directory; null (default) for the SQLite database in it. Set by <see cref="DecisionLedgerBuilder.UsePostgreSql"/>.</summary>
    internal Func<DecisionLedger.Ledger.LedgerDirectory, DecisionLedger.Storage.ILedgerStore>? StoreFactory { get; set; }

    /// <summary>
    /// The recorder's options (queue, batching, checkpoints, retries); see docs/recorder.md.
    /// Its <see cref="LedgerOptions.Origin"/> is replaced by the ledger directory's origin.
    /// </summary>
    public LedgerOptions Recorder { get; } = new();

    /// <summary>How often the counts of sampled-out decisions are written to the ledger (and always at shutdown). Default 1 minute.</summary>
    public TimeSpan SamplingReportInterval { get; set; } = TimeSpan.FromMinutes(1);
}
