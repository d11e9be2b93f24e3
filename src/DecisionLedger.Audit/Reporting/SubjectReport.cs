using DecisionLedger.Checkpoints;

namespace DecisionLedger.Reporting;

/// <summary>
/// The summary of a subject report (GDPR Art. 15, EU AI Act Art. 86): whom it is about, the signed
/// checkpoint it was computed against and how many decisions it covers. The decisions themselves
/// are streamed by <see cref="SubjectReportBuilder.ReadDecisionsAsync"/>, so a report of any size
/// is written in bounded memory.
/// </summary>
/// <param name="SubjectId">The data subject's id.</param>
/// <param name="Checkpoint">
/// The verified checkpoint the report covers: every decision listed has <c>seq</c> below its size,
/// so each one's inclusion can be proven against its signed root.
/// </param>
/// <param name="SignedNote">The checkpoint's signed note, exactly as signed, so a reader can re-verify it with the ledger's verifier key.</param>
/// <param name="GeneratedAt">When the report was computed, UTC.</param>
/// <param name="DecisionCount">How many decisions about the subject the checkpoint covers.</param>
/// <param name="DecisionsAfterCheckpoint">How many decisions about the subject were recorded after the checkpoint and are not in the report.</param>
/// <param name="LedgerEvents">Ledger events about the subject that are not decisions (e.g. erasures), newest first; few by nature.</param>
public sealed record SubjectReport(
    string SubjectId,
    Checkpoint Checkpoint,
    string SignedNote,
    DateTimeOffset GeneratedAt,
    long DecisionCount,
    long DecisionsAfterCheckpoint,
    IReadOnlyList<ReportedLedgerEvent> LedgerEvents)
{
    /// <summary>
    /// On an entry format 2 ledger, the proof that the report lists every decision about the subject recorded
    /// since the switch (checked in-process), or why there is none; null on an entry format 1 ledger.
    /// </summary>
    public SubjectCompleteness? Completeness { get; init; }
}
