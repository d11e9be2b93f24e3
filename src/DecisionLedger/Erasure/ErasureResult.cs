namespace DecisionLedger.Erasure;

/// <summary>The outcome of erasing a data subject.</summary>
/// <param name="SubjectId">The data subject.</param>
/// <param name="DecisionsErased">How many decisions' stored inputs were deleted by this run.</param>
/// <param name="ErasureSeq">The <c>seq</c> of the erasure entry appended to the ledger.</param>
/// <param name="ErasureRequestId">The request id of the erasure entry.</param>
public sealed record ErasureResult(string SubjectId, long DecisionsErased, long ErasureSeq, string ErasureRequestId);
