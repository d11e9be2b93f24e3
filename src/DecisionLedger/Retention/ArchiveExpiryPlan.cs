using DecisionLedger.Archiving;

namespace DecisionLedger.Retention;

/// <summary>What keep expiry would do now: the files due for deletion, the files holds keep, and the files an earlier run recorded as expired but did not finish deleting.</summary>
/// <param name="Cutoffs">The <c>keep</c> cutoffs at the plan's time: default first, then by model name.</param>
/// <param name="Due">The files whose every decision is past its model's <c>keep</c> and that no hold covers.</param>
/// <param name="Held">The files past their <c>keep</c> that a legal hold keeps whole.</param>
/// <param name="Pending">Files an <c>archive-expiry</c> event already lists whose Parquet file or manifest is still in the destination.</param>
public sealed record ArchiveExpiryPlan(
    IReadOnlyList<KeepCutoff> Cutoffs,
    IReadOnlyList<ExpiredArchiveFile> Due,
    IReadOnlyList<HeldArchiveFile> Held,
    IReadOnlyList<ExpiredCatalogFile> Pending)
{
    /// <summary>The decisions in the files due.</summary>
    public long DueDecisions => Due.Sum(static f => f.Rows);
}
