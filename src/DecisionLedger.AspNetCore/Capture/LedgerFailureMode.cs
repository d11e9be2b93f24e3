namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// What a captured endpoint does when its decision cannot be accepted by the ledger (queue still full
/// after <see cref="DecisionCaptureOptions.RecordTimeout"/>, recorder stopped or failed, Redis
/// unreachable) or, with <see cref="CaptureDurability.Committed"/>, cannot be committed.
/// </summary>
public enum LedgerFailureMode
{
    /// <summary>
    /// The default: the prediction's result is withheld and the client gets <c>503 Service Unavailable</c>
    /// with RFC 9457 problem details, so no prediction is served while the ledger cannot take its record.
    /// </summary>
    FailClosed = 0,

    /// <summary>
    /// The result is served all the same; the failure is logged at Critical and counted on
    /// <c>decisionledger.capture.failures</c>.
    /// </summary>
    ProceedAndAlarm = 1,
}
