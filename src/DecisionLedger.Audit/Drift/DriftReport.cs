using DecisionLedger.Reporting;

namespace DecisionLedger.Drift;

/// <summary>
/// A drift report: per window, each path's PSI and KS statistic against the baseline, computed from the
/// entries <see cref="Checkpoint"/> covers (and, for <c>input.</c> paths, their stored inputs).
/// </summary>
/// <param name="Checkpoint">The signed checkpoint the report was computed against.</param>
/// <param name="Spec">Model, version, baseline, window and paths.</param>
/// <param name="Rule">The threshold and the fewest decisions that flag a window.</param>
/// <param name="BaselineDecisions">The model's decisions in the baseline range.</param>
/// <param name="Baseline">Each path's baseline bins, in the spec's order.</param>
/// <param name="Windows">Windows holding at least one decision, oldest first.</param>
/// <param name="InputsUnreadable">Decisions whose stored input could not be read for <c>input.</c> paths (erased, archived without input, or encrypted per subject).</param>
public sealed record DriftReport(
    ReportCheckpoint Checkpoint,
    DriftSpec Spec,
    DriftAlertRule Rule,
    long BaselineDecisions,
    IReadOnlyList<DriftBaselinePath> Baseline,
    IReadOnlyList<DriftWindow> Windows,
    long InputsUnreadable);
