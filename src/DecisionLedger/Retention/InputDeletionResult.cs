namespace DecisionLedger.Retention;

/// <summary>The stored inputs one retention run deleted.</summary>
/// <param name="Deleted">How many inputs were deleted.</param>
/// <param name="Held">How many due inputs legal holds kept.</param>
/// <param name="EventSeq">The seq of the <c>input-retention</c> event recording the deletion.</param>
public sealed record InputDeletionResult(int Deleted, int Held, long EventSeq);
