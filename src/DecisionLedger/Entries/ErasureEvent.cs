namespace DecisionLedger.Entries;

/// <summary>
/// What an erasure entry records: whose stored inputs were deleted, how many, why and at whose
/// request. It never holds any erased value.
/// </summary>
/// <param name="SubjectId">
/// v1: the data subject whose inputs (and encryption key) were deleted. v2: empty, because a v2
/// ledger never holds the clear id; <see cref="SubjectRef"/> names the subject instead.
/// </param>
/// <param name="DecisionsErased">How many decisions' stored inputs were deleted; 0 or more.</param>
/// <param name="Reason">Why, e.g. <c>GDPR Art. 17 request</c>; non-empty.</param>
/// <param name="RequestedBy">Who asked for the erasure; non-empty.</param>
public sealed record ErasureEvent(string SubjectId, long DecisionsErased, string Reason, string RequestedBy)
{
    /// <summary>
    /// v2: the erased subject's ref (22 base64url characters), written as <c>subjectRef</c>; the event is then a
    /// v2 entry and <see cref="SubjectId"/> must be empty. Null for a v1 erasure.
    /// </summary>
    public string? SubjectRef { get; init; }
}
