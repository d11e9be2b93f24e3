namespace DecisionLedger.Recording;

/// <summary>What <see cref="IDecisionRecorder"/> does when its bounded queue is full.</summary>
public enum QueueFullPolicy
{
    /// <summary>
    /// Wait for room: back-pressure on the caller. The default, because an audit trail must not lose decisions.
    /// The wait is bounded by <see cref="LedgerOptions.EnqueueTimeout"/> (default: none), after which the decision
    /// is refused with <see cref="LedgerQueueFullException"/>.
    /// </summary>
    Wait = 0,

    /// <summary>Refuse at once with <see cref="LedgerQueueFullException"/>; the rejection is counted and logged.</summary>
    Reject = 1,
}
