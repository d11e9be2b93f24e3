using DecisionLedger.Records;

namespace DecisionLedger.Recording;

/// <summary>
/// One queued item: a decision with its assigned id and time, and the receipt's completion
/// when a caller awaits durability. A null decision is a control item (tick or flush).
/// </summary>
internal sealed class PendingDecision
{
    public PendingDecision(Decision decision, string requestId, bool idSuppliedByCaller, DateTimeOffset timestamp, bool awaited)
    {
        Decision = decision;
        IdSuppliedByCaller = idSuppliedByCaller;
        RequestId = requestId;
        Timestamp = timestamp;
        Completion = awaited ? new TaskCompletionSource<RecordReceipt>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    private PendingDecision(TaskCompletionSource<RecordReceipt>? completion)
    {
        RequestId = string.Empty;
        Completion = completion;
    }

    public Decision? Decision { get; }

    public string RequestId { get; }

    /// <summary>Only caller-supplied ids can collide with stored ones; generated UUIDv7s skip that lookup.</summary>
    public bool IdSuppliedByCaller { get; }

    public DateTimeOffset Timestamp { get; }

    public TaskCompletionSource<RecordReceipt>? Completion { get; }

    /// <summary>Wakes the batcher so a due checkpoint is taken even when no decision arrives.</summary>
    public static PendingDecision Tick() => new(completion: null);

    /// <summary>Completes once everything queued before it has been processed.</summary>
    public static PendingDecision Flush() => new(new TaskCompletionSource<RecordReceipt>(TaskCreationOptions.RunContinuationsAsynchronously));
}
