using DecisionLedger.Verification;

namespace DecisionLedger.Server.Verification;

/// <summary>One finished background verification run of the collector's ledger.</summary>
/// <param name="StartedAt">When the run started.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="FromTreeSize">The trusted checkpoint size it continued from; 0 for a full run.</param>
/// <param name="Report">The verifier's report, or null when the run failed before producing one.</param>
/// <param name="Error">Why the run failed (store error), or null.</param>
internal sealed record VerificationRun(DateTimeOffset StartedAt, DateTimeOffset FinishedAt, long FromTreeSize, VerificationReport? Report, string? Error);
