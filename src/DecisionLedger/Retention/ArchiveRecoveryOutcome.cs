namespace DecisionLedger.Retention;

/// <summary>What recovery did with one interrupted archive run.</summary>
/// <param name="FirstSeq">The first seq of the run's range.</param>
/// <param name="LastSeq">The last seq of the run's range.</param>
/// <param name="EventSeq">The seq of its <c>archived</c> event.</param>
/// <param name="Completed">True when the range is now recorded and its bodies removed; false when it was left live (rolled back).</param>
/// <param name="RemovedRows">The decision rows removed by the completion.</param>
/// <param name="Problem">Why the run was rolled back, or <see langword="null"/>.</param>
public sealed record ArchiveRecoveryOutcome(long FirstSeq, long LastSeq, long EventSeq, bool Completed, long RemovedRows, string? Problem);
