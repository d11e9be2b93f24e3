using DecisionLedger.Archiving;

namespace DecisionLedger.Retention;

/// <summary>What one retention run did, step by step.</summary>
/// <param name="Recovered">Interrupted archive runs completed or rolled back first.</param>
/// <param name="InputsDeleted">The stored inputs deleted because their <c>inputs</c> duration passed, before archiving; null when the run deletes no inputs or none were due.</param>
/// <param name="Archived">The archive runs, one per range.</param>
/// <param name="ArchivesExpired">The archive files deleted because their <c>keep</c> passed (after archiving); null when the run had no policy.</param>
public sealed record RetentionRunResult(
    IReadOnlyList<ArchiveRecoveryOutcome> Recovered,
    InputDeletionResult? InputsDeleted,
    IReadOnlyList<ArchiveRunResult> Archived,
    ArchiveExpiryResult? ArchivesExpired = null)
{
    /// <summary>The archive files written by the run.</summary>
    public int FilesWritten => Archived.Sum(r => r.Files.Count);

    /// <summary>The decision entries that left the live store in the run (recovered runs included).</summary>
    public long DecisionsArchived => Archived.Sum(r => r.RemovedRows) + Recovered.Sum(r => r.RemovedRows);

    /// <summary>The stored inputs removed from archive files because their <c>inputs</c> duration passed after they were archived; null when none was due.</summary>
    public ArchivedInputDeletionResult? ArchivedInputsDeleted { get; init; }
}
