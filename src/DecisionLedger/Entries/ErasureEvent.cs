namespace DecisionLedger.Entries;

/// <summary>
/// What an erasure entry records: whose stored inputs were deleted, how many, why and at whose
/// request. It never holds any erased value.
/// </summary>
/// <param name="SubjectId">The data subject whose inputs (and encryption key) were deleted.</param>
/// <param name="DecisionsErased">How many decisions' stored inputs were deleted; 0 or more.</param>
/// <param name="Reason">Why, e.g. <c>GDPR Art. 17 request</c>; non-empty.</param>
/// <param name="RequestedBy">Who asked for the erasure; non-empty.</param>
public sealed record ErasureEvent(string SubjectId, long DecisionsErased, string Reason, string RequestedBy);
