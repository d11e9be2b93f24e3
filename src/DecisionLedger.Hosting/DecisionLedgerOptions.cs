using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Hosting;

/// <summary>Options of the ledger a hosted service records into; validated when the host starts.</summary>
public sealed class DecisionLedgerOptions
{
    /// <summary>
    /// The origin of a ledger created on first start, e.g. <c>decisionledger.example/fraud</c>.
    /// An existing ledger keeps the origin it was created with. Default <c>decisionledger.local/default</c>.
    /// </summary>
    public string Origin { get; set; } = "decisionledger.local/default";

    /// <summary>The ledger directory (keys, config, and the SQLite database when that is the store), set by <c>UseSqlite</c>, <c>UsePostgreSql</c> or <see cref="DecisionLedgerBuilder.UseStore"/>. Required; default null.</summary>
    public string? LedgerPath { get; set; }

    /// <summary>Creates the store from the opened ledger directory; set by <see cref="DecisionLedgerBuilder.UseStore"/>. Required unless a capture buffer is registered.</summary>
    internal Func<LedgerDirectory, ILedgerStore>? StoreFactory { get; set; }

    /// <summary>
    /// The recorder's options (queue, batching, checkpoints, retries); see docs/recorder.md.
    /// Its <see cref="LedgerOptions.Origin"/> is replaced by the ledger directory's origin.
    /// </summary>
    public LedgerOptions Recorder { get; } = new();

    /// <summary>
    /// RFC 3161 time-stamping of the checkpoints the recorder signs (docs/verification.md, "Trusted time"): off
    /// while <see cref="DecisionLedger.Timestamping.TimestampingOptions.Authorities"/> is empty (the default). A background stamper asks each
    /// authority for a token over every new checkpoint and keeps it in the store; it never delays recording.
    /// Not used with a capture buffer (the sequencer signs there).
    /// </summary>
    public DecisionLedger.Timestamping.TimestampingOptions Timestamping { get; } = new();

    /// <summary>How often the registered <see cref="IDecisionLedgerReport"/>s (e.g. the sampling reports of captured endpoints) write to the ledger, and always at shutdown. Default 1 minute.</summary>
    public TimeSpan SamplingReportInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Witness cosigning of the checkpoints the recorder signs: a tlog-policy file and where each
    /// witness is reached (docs/verification.md). Off while its <c>PolicyPath</c> is null. A background
    /// service sends each new checkpoint to the witnesses and keeps their cosignatures in the store;
    /// it never delays recording. Not used with a capture buffer (the sequencer signs there).
    /// </summary>
    public DecisionLedger.Witnessing.Publishing.WitnessingOptions Witnessing { get; } = new();
}
