namespace DecisionLedger.Recording;

/// <summary>What <see cref="IDecisionRecorder"/> does when its bounded queue is full.</summary>
public enum QueueFullPolicy
{
    /// <summary>Wait for room: back-pressure on the caller. The default, because an audit trail must not lose decisions.</summary>
    Wait = 0,

    /// <summary>Refuse at once with <see cref="LedgerQueueFullException"/>; the rejection is counted and logged.</summary>
    Reject = 1,
}
