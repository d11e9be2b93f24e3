namespace DecisionLedger.Retention;

/// <summary>The archive files one retention run deleted because their <c>keep</c> passed.</summary>
/// <param name="Deleted">The files recorded and deleted by this run (empty when none was due).</param>
/// <param name="EventSeq">The seq of the <c>archive-expiry</c> event recording <paramref name="Deleted"/>, or null when none was due.</param>
/// <param name="Held">How many files past their <c>keep</c> legal holds kept.</param>
/// <param name="Completed">Files an earlier run recorded as expired and this run finished deleting (a run stopped between its event and the deletion).</param>
public sealed record ArchiveExpiryResult(IReadOnlyList<ExpiredArchiveFile> Deleted, long? EventSeq, int Held, int Completed)
{
    /// <summary>The decisions whose archived bodies this run deleted.</summary>
    public long Decisions => Deleted.Sum(static f => f.Rows);
}
