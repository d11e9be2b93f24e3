namespace DecisionLedger.Reporting;

/// <summary>A ledger event about a data subject that is not a decision (for example an erasure), listed apart from decisions.</summary>
/// <param name="Seq">The entry's position in the ledger.</param>
/// <param name="Kind">What the entry records, e.g. <c>erasure</c>.</param>
/// <param name="RequestId">The entry's id.</param>
/// <param name="Timestamp">When the event was recorded, UTC.</param>
public sealed record ReportedLedgerEvent(long Seq, string Kind, string RequestId, DateTimeOffset Timestamp);
