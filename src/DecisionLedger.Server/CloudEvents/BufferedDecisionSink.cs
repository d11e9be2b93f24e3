using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Server.Hosting;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// Buffer mode (<c>serve --buffer redis</c>): a CloudEvents decision is prepared (fingerprinted, redacted) and
/// appended to the ledger's Redis stream like any <c>POST /v1/decisions</c>; the sequencer records it.
/// </summary>
internal sealed class BufferedDecisionSink(CollectorBuffer buffer) : IInferenceDecisionSink
{
    /// <inheritdoc />
    public bool IsOpen => buffer.IsConnected;

    /// <inheritdoc />
    public Task<InferenceRecord> RecordAsync(Decision decision, bool waitForReceipt) =>
        RecordPreparedAsync(buffer.Preparer.Prepare(decision), waitForReceipt);

    /// <inheritdoc />
    public async Task<InferenceRecord> RecordPreparedAsync(RedactedDecision prepared, bool waitForReceipt)
    {
        if (!waitForReceipt)
        {
            string bufferId = await buffer.Buffer.EnqueueAsync(prepared).ConfigureAwait(false);
            return new InferenceRecord(prepared.RequestId, null, bufferId);
        }

        (string id, RecordReceipt? receipt) = await buffer.Buffer.EnqueueAndWaitAsync(prepared, buffer.ReceiptWait).ConfigureAwait(false);
        return new InferenceRecord(prepared.RequestId, receipt, id);
    }
}
