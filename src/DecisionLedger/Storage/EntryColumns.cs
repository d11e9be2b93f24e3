namespace DecisionLedger.Storage;

/// <summary>The searchable columns of an entry, copied out of its canonical form at append time.</summary>
/// <param name="RequestId">Unique per ledger.</param>
/// <param name="Timestamp">When the decision was made, UTC, microsecond precision.</param>
/// <param name="ModelName">The model's name.</param>
/// <param name="ModelVersion">The model's version.</param>
/// <param name="UserId">Who requested the decision, if known.</param>
/// <param name="Tenant">The requester's tenant, if known.</param>
/// <param name="SubjectId">Whom the decision is about, if known: the erasure key.</param>
/// <param name="InputFingerprint">Lowercase hex HMAC-SHA256 of the original input, or null for entries without an input (e.g. erasure records).</param>
/// <param name="Kind">What the entry records: <c>decision</c>, or a ledger event such as <c>erasure</c>.</param>
public sealed record EntryColumns(
    string RequestId,
    DateTimeOffset Timestamp,
    string ModelName,
    string ModelVersion,
    string? UserId,
    string? Tenant,
    string? SubjectId,
    string? InputFingerprint,
    string Kind = EntryColumns.DecisionKind)
{
    /// <summary>The kind of an ordinary decision entry.</summary>
    public const string DecisionKind = "decision";
}
