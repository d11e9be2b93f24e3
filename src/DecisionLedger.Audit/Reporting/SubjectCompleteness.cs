using DecisionLedger.Completeness;
using DecisionLedger.Verification;

namespace DecisionLedger.Reporting;

/// <summary>
/// The completeness part of a subject report on an entry format 2 ledger: the proof that the report lists
/// every v2 decision about the subject up to its checkpoint, checked in-process, or why there is none.
/// </summary>
/// <param name="Outcome">Whether completeness was proven, failed, or could not be attempted, and why.</param>
/// <param name="SwitchedAt">When the ledger switched to entry format 2 (the <c>format</c> event's timestamp): completeness covers decisions recorded since then.</param>
/// <param name="SubjectRef">The subject's pseudonymous ref in v2 entries, or null when the ledger holds none.</param>
/// <param name="Proof">The completeness proof, when it could be built.</param>
/// <param name="Result">What the checked proof established; set only for <see cref="SubjectCompletenessOutcome.Proven"/>.</param>
/// <param name="Finding">The first problem the checker found, for a <see cref="SubjectCompletenessOutcome.Failed"/> proof that was built but does not check.</param>
/// <param name="Reason">Why nothing is proven, in a sentence naming the cause; null when proven.</param>
public sealed record SubjectCompleteness(
    SubjectCompletenessOutcome Outcome,
    DateTimeOffset SwitchedAt,
    string? SubjectRef,
    CompletenessProof? Proof,
    CompletenessResult? Result,
    TamperFinding? Finding,
    string? Reason);
