namespace DecisionLedger.Reporting;

/// <summary>One decision about a data subject, as a subject report lists it.</summary>
/// <param name="Seq">The entry's position in the ledger; its inclusion in the report's checkpoint can be proven by this.</param>
/// <param name="RequestId">The decision's id.</param>
/// <param name="Timestamp">When the decision was made, UTC.</param>
/// <param name="ModelName">The model that made it.</param>
/// <param name="ModelVersion">That model's version.</param>
/// <param name="Output">The outcome: the model's output as compact RFC 8785 JSON, as recorded (after redaction).</param>
/// <param name="MainFactors">The attributions of largest absolute value, largest first (at most <see cref="SubjectReportBuilder.MainFactorCount"/>); empty when the decision has no explanation.</param>
/// <param name="InputHeld">True when the ledger still holds the decision's input; false when it was erased or never stored.</param>
public sealed record ReportedDecision(
    long Seq,
    string RequestId,
    DateTimeOffset Timestamp,
    string ModelName,
    string ModelVersion,
    string Output,
    IReadOnlyList<ReportedFactor> MainFactors,
    bool InputHeld);
