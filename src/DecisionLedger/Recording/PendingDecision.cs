using DecisionLedger.Entries;
using DecisionLedger.Records;

namespace DecisionLedger.Recording;

/// <summary>
/// One queued item: a decision with its assigned id and time, and the receipt's completion
/// when a caller awaits durability; or a ledger event (always awaited). With neither, it is a
/// control item (tick or flush).
/// </summary>
internal sealed class PendingDecision
{
    public PendingDecision(Decision decision, string requestId, bool idSuppliedByCaller, DateTimeOffset timestamp, bool awaited, Action<string, Exception>? onFailure = null)
    {
        Decision = decision;
        OnFailure = onFailure;
        IdSuppliedByCaller = idSuppliedByCaller;
        RequestId = requestId;
        Timestamp = timestamp;
        Completion = awaited ? new TaskCompletionSource<RecordReceipt>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    /// <summary>A decision a collector already redacted and fingerprinted; its id counts as caller-supplied, so redeliveries are de-duplicated.</summary>
    public PendingDecision(RedactedDecision prepared)
        : this(prepared.Decision, prepared.RequestId, idSuppliedByCaller: true, prepared.Timestamp, awaited: true)
    {
        Prepared = prepared;
    }

    public PendingDecision(LedgerEvent ledgerEvent, string requestId, DateTimeOffset timestamp)
    {
        Event = ledgerEvent;
        RequestId = requestId;
        Timestamp = timestamp;
        Completion = new TaskCompletionSource<RecordReceipt>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private PendingDecision(TaskCompletionSource<RecordReceipt>? completion)
    {
        RequestId = string.Empty;
        Completion = completion;
    }

    public Decision? Decision { get; }

    public LedgerEvent? Event { get; }

    /// <summary>Set when the decision arrives redacted: the builder must not redact or fingerprint it again.</summary>
    public RedactedDecision? Prepared { get; }

    /// <summary>True for a decision or an event: something that becomes an entry.</summary>
    public bool IsEntry => Decision is not null || Event is not null;

    public string RequestId { get; }

    /// <summary>Only caller-supplied ids can collide with stored ones; generated UUIDv7s skip that lookup.</summary>
    public bool IdSuppliedByCaller { get; }

    public DateTimeOffset Timestamp { get; }

    public TaskCompletionSource<RecordReceipt>? Completion { get; }

    /// <summary>Told (request id, error) when a decision accepted without awaiting its receipt fails later.</summary>
    public Action<string, Exception>? OnFailure { get; }

    /// <summary>Reports that the item will not be recorded: to the caller awaiting its receipt, and to its failure callback.</summary>
    public void Fail(Exception error)
    {
        Completion?.TrySetException(error);
        if (OnFailure is { } onFailure)
        {
            try
            {
                onFailure(RequestId, error);
            }
            catch (Exception callbackFailure) when (callbackFailure is not OutOfMemoryException)
            {
                // A caller's callback must never stop the recorder's stages; the recorder has logged the failure itself.
            }
        }
    }

    /// <summary>Wakes the batcher so a due checkpoint is taken even when no decision arrives.</summary>
    public static PendingDecision Tick() => new(completion: null);

    /// <summary>Completes once everything queued before it has been processed.</summary>
    public static PendingDecision Flush() => new(new TaskCompletionSource<RecordReceipt>(TaskCreationOptions.RunContinuationsAsynchronously));
}
