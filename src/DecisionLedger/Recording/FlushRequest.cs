namespace DecisionLedger.Recording;

/// <summary>Completes once everything queued before it is durable or failed; it cuts a commit's linger short.</summary>
internal sealed class FlushRequest : QueueItem
{
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
