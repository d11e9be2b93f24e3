using DecisionLedger.Recording;
using DecisionLedger.Decisions;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>Where the <see cref="InferencePairer"/> sends a decision: the in-process recorder, or the Redis buffer in buffer mode.</summary>
internal interface IInferenceDecisionSink
{
    /// <summary>True while decisions can be sent (the recorder runs, or the buffer is connected).</summary>
    bool IsOpen { get; }

    /// <summary>Records or buffers <paramref name="decision"/>; returns once it is durable (in the ledger, or acknowledged by Redis).</summary>
    /// <param name="decision">The pair's (or the lone half's) decision.</param>
    /// <param name="waitForReceipt">In buffer mode, wait for the sequencer's receipt (<c>Prefer: wait</c>); ignored in process, where the receipt always comes.</param>
    /// <exception cref="DecisionLedger.Recording.DuplicateRequestIdException">The ledger already holds the request id (in process).</exception>
    /// <exception cref="DecisionLedger.Recording.LedgerQueueFullException">The recorder refused it (in process).</exception>
    /// <exception cref="StackExchange.Redis.RedisException">Redis did not acknowledge it (buffer mode); it is not buffered.</exception>
    /// <exception cref="DecisionLedger.Redaction.RedactionException">The redaction policy cannot be applied (buffer mode).</exception>
    Task<InferenceRecord> RecordAsync(Decision decision, bool waitForReceipt);

    /// <summary>Records or buffers a decision already through the privacy step (redacted, fingerprinted): a half replayed from the journal is in it.</summary>
    /// <param name="decision">The prepared decision; it is not redacted again.</param>
    /// <param name="waitForReceipt">As for <see cref="RecordAsync"/>.</param>
    /// <exception cref="DecisionLedger.Recording.DuplicateRequestIdException">The ledger already holds the request id (in process).</exception>
    /// <exception cref="DecisionLedger.Recording.LedgerQueueFullException">The recorder refused it (in process).</exception>
    /// <exception cref="StackExchange.Redis.RedisException">Redis did not acknowledge it (buffer mode); it is not buffered.</exception>
    Task<InferenceRecord> RecordPreparedAsync(RedactedDecision decision, bool waitForReceipt);
}
