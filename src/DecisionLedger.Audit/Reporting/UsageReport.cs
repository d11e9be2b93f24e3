namespace DecisionLedger.Reporting;

/// <summary>
/// How one model was used, computed against a signed checkpoint: totals, failures, versions,
/// unique users, the distribution of an outcome field, latency and decisions over time.
/// </summary>
/// <param name="Checkpoint">The checkpoint; only entries with <c>seq</c> below its tree size are counted.</param>
/// <param name="Filters">The decisions covered.</param>
/// <param name="Bucket">The width of <paramref name="OverTime"/> buckets.</param>
/// <param name="Total">Decisions counted.</param>
/// <param name="Failures">Decisions whose output has an <c>error</c> member (as the capture filter records failures).</param>
/// <param name="First">The earliest decision timestamp, or null when none.</param>
/// <param name="Last">The latest decision timestamp, or null when none.</param>
/// <param name="UniqueUsers">Distinct <c>actor.userId</c> values (exact; see <see cref="DistinctCounter"/>).</param>
/// <param name="Versions">Per version, earliest first.</param>
/// <param name="OutcomeField">The field whose values <paramref name="Outcomes"/> counts, e.g. <c>output.label</c>.</param>
/// <param name="Outcomes">Per value, most frequent first.</param>
/// <param name="LatencyMs">Latency statistics.</param>
/// <param name="OverTime">Per bucket and version, oldest first.</param>
public sealed record UsageReport(
    ReportCheckpoint Checkpoint,
    UsageFilters Filters,
    TimeBucket Bucket,
    long Total,
    long Failures,
    DateTimeOffset? First,
    DateTimeOffset? Last,
    long UniqueUsers,
    IReadOnlyList<VersionUsage> Versions,
    string OutcomeField,
    IReadOnlyList<OutcomeCount> Outcomes,
    LatencySummary LatencyMs,
    IReadOnlyList<UsageBucket> OverTime);
