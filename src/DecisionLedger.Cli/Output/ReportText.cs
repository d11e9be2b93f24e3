using System.Globalization;
using DecisionLedger.Access;
using DecisionLedger.Reporting;

namespace DecisionLedger.Cli.Output;

/// <summary>
/// The auditor's reports as text for a person at a terminal: <c>dledger report …</c> without
/// <c>--json</c> or <c>--format</c>. Scripts take <c>--json</c> (or csv/html), whose shapes are stable;
/// this text may change.
/// </summary>
internal static class ReportText
{
    /// <summary>Writes a usage report.</summary>
    public static async Task WriteAsync(UsageReport report, TextWriter o)
    {
        await o.WriteLineAsync($"Usage of {report.Filters.Model}{(report.Filters.Version is { } v ? $" {v}" : string.Empty)}{Range(report.Filters.From, report.Filters.To)}");
        await WriteCheckpointAsync(report.Checkpoint, o);
        await o.WriteLineAsync($"  total       {Plural.Of(report.Total, "decision")}, {Plural.Of(report.Failures, "failure")}{Span(report.First, report.Last)}");
        await o.WriteLineAsync($"  users       {Plural.Of(report.UniqueUsers, "unique user")}");
        foreach (VersionUsage version in report.Versions)
        {
            await o.WriteLineAsync($"  version     {version.Version}: {Plural.Of(version.Count, "decision")}{Span(version.First, version.Last)}");
        }

        await o.WriteLineAsync($"  outcomes    ({report.OutcomeField}) " + (report.Outcomes.Count == 0
            ? "none"
            : string.Join(", ", report.Outcomes.Select(c => $"{c.Value ?? "(none)"} {c.Count}"))));
        LatencySummary l = report.LatencyMs;
        await o.WriteLineAsync(l.Count == 0
            ? "  latency     no latencies recorded"
            : string.Create(CultureInfo.InvariantCulture, $"  latency ms  mean {l.Mean:0.#}, p50 {l.P50:0.#}, p95 {l.P95:0.#}, p99 {l.P99:0.#}, max {l.Max:0.#} (of {Plural.Of(l.Count, "decision")})"));
        if (report.OverTime.Count > 0)
        {
            await o.WriteLineAsync($"  per {report.Bucket.ToString().ToLowerInvariant()} (UTC):");
            string format = report.Bucket == TimeBucket.Hour ? "yyyy-MM-dd HH:00" : "yyyy-MM-dd";
            foreach (UsageBucket bucket in report.OverTime)
            {
                await o.WriteLineAsync($"    {bucket.BucketStart.UtcDateTime.ToString(format, CultureInfo.InvariantCulture)}  {bucket.Version,-10} {bucket.Count}");
            }
        }
    }

    /// <summary>Writes a version timeline.</summary>
    public static async Task WriteAsync(VersionTimelineReport report, TextWriter o)
    {
        await o.WriteLineAsync($"Version timeline of {report.Model}");
        await WriteCheckpointAsync(report.Checkpoint, o);
        if (report.Periods.Count == 0)
        {
            await o.WriteLineAsync("  no decisions of this model are covered by the checkpoint");
        }

        foreach (VersionPeriod period in report.Periods)
        {
            await o.WriteLineAsync($"  {period.Version,-10} {Time(period.From)} to {Time(period.To)}  {Plural.Of(period.Count, "decision")} (seq {period.FirstSeq} to {period.LastSeq})");
        }

        foreach (VersionChange change in report.Changes)
        {
            await o.WriteLineAsync($"  change at {Time(change.At)} (seq {change.Seq}): {change.FromVersion} -> {change.ToVersion}");
        }

        if (report.At is { } at)
        {
            await o.WriteLineAsync($"  at {Time(at)}: {report.VersionAt ?? "no version served"}");
        }
    }

    /// <summary>Writes a data-access report.</summary>
    public static async Task WriteAsync(DataAccessReport report, TextWriter o)
    {
        await o.WriteLineAsync($"Data access{(report.Filters.User is { } u ? $" of {u}" : string.Empty)}{Range(report.Filters.From, report.Filters.To)}");
        await WriteCheckpointAsync(report.Checkpoint, o);
        if (report.Users.Count == 0)
        {
            await o.WriteLineAsync("  no decisions or reads");
        }

        foreach (DataAccessUser user in report.Users)
        {
            await o.WriteLineAsync(
                $"  {user.User}: {Plural.Of(user.Decisions, "decision")} about {Plural.Of(user.Subjects, "subject")}, {Plural.Of(user.Viewed, "decision")} read through the API" +
                (user.Models.Count > 0 ? $"; models {string.Join(", ", user.Models)}" : string.Empty) +
                Span(user.First, user.Last));
        }
    }

    /// <summary>Writes an access-log report, streaming its records.</summary>
    public static async Task WriteAsync(AccessLogReport report, AccessLog log, TextWriter o, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        await o.WriteLineAsync("Access log" + (report.RequestId is { } id ? $" of decision {id}" : string.Empty) + (report.User is { } u ? $" by {u}" : string.Empty));
        await WriteCheckpointAsync(report.Checkpoint, o);
        long count = 0;
        await foreach (AccessLogReportRecord record in report.ReadRecordsAsync(log, cancellationToken))
        {
            count++;
            await o.WriteLineAsync($"  {Time(record.At)}  {record.User} ({record.Role})  {record.Route}  {string.Join(", ", record.RequestIds)}");
        }

        await o.WriteLineAsync($"  {Plural.Of(count, "read")}");
    }

    private static Task WriteCheckpointAsync(ReportCheckpoint checkpoint, TextWriter o) =>
        o.WriteLineAsync($"  against the checkpoint of {checkpoint.Origin} at tree size {checkpoint.TreeSize}, root {checkpoint.RootHash.ToBase64()}");

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Span(DateTimeOffset? first, DateTimeOffset? last) =>
        first is { } f && last is { } l ? $", {Time(f)} to {Time(l)}" : string.Empty;

    private static string Range(DateTimeOffset? from, DateTimeOffset? to) =>
        (from, to) switch
        {
            (null, null) => string.Empty,
            ({ } f, null) => $", from {Time(f)}",
            (null, { } t) => $", before {Time(t)}",
            ({ } f, { } t) => $", {Time(f)} to before {Time(t)}",
        };
}
