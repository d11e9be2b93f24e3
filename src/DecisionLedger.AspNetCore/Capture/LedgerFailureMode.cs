namespace DecisionLedger.AspNetCore.Capture;

/// <summary>What a captured endpoint does when its decision cannot be recorded in the ledger.</summary>
public enum LedgerFailureMode
{
    /// <summary>
    /// The default: the prediction's result is withheld and the client gets <c>503 Service Unavailable</c>
    /// with RFC 9457 problem details. The response leaves only once the decision is durable, so no
    /// unaudited prediction is ever served.
    /// </summary>
    FailClosed = 0,

    /// <summary>
    /// The result is served at once; the decision is recorded in the background and a failure is
    /// logged at Critical and counted on <c>decisionledger.capture.failures</c>.
    /// </summary>
    ProceedAndAlarm = 1,
}
