namespace DecisionLedger.Reporting;

/// <summary>Which version of a model served when, computed against a signed checkpoint.</summary>
/// <param name="Checkpoint">The checkpoint; only entries with <c>seq</c> below its tree size are counted.</param>
/// <param name="Model">The model name.</param>
/// <param name="At">The time asked about, or null.</param>
/// <param name="VersionAt">
/// The version of the model's latest decision at or before <paramref name="At"/> (ties: the higher
/// <c>seq</c>), or null when <paramref name="At"/> is null or precedes every decision.
/// </param>
/// <param name="Periods">Runs of one version in <c>seq</c> order, oldest first; interleaved versions (a canary) show as many short runs.</param>
/// <param name="Changes">The change points between consecutive periods.</param>
public sealed record VersionTimelineReport(
    ReportCheckpoint Checkpoint,
    string Model,
    DateTimeOffset? At,
    string? VersionAt,
    IReadOnlyList<VersionPeriod> Periods,
    IReadOnlyList<VersionChange> Changes);
