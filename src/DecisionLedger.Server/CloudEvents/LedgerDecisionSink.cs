using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Server.Hosting;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>Records CloudEvents decisions with the collector's own recorder (the default, in-process mode).</summary>
internal sealed class LedgerDecisionSink(CollectorLedger ledger) : IInferenceDecisionSink
{
    /// <inheritdoc />
    public bool IsOpen => ledger.Recorder is not null;

    /// <inheritdoc />
    public async Task<InferenceRecord> RecordAsync(Decision decision, bool waitForReceipt)
    {
        IDecisionRecorder recorder = ledger.Recorder ?? throw new InvalidOperationException("The recorder is not running (the collector is starting or stopping).");

        // Once paired, the decision is recorded even if the sender goes away.
        RecordReceipt receipt = await recorder.RecordAsync(decision, CancellationToken.None).ConfigureAwait(false);
        return new InferenceRecord(receipt.RequestId, receipt, null);
    }

    /// <inheritdoc />
    public async Task<InferenceRecord> RecordPreparedAsync(RedactedDecision decision, bool waitForReceipt)
    {
        // The collector's recorder is always the ledger's own DecisionRecorder, which takes prepared decisions.
        if (ledger.Recorder is not DecisionRecorder recorder)
        {
            throw new InvalidOperationException("The recorder is not running (the collector is starting or stopping).");
        }

        RecordReceipt receipt = await recorder.RecordAsync(decision, CancellationToken.None).ConfigureAwait(false);
        return new InferenceRecord(receipt.RequestId, receipt, null);
    }
}
