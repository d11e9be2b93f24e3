namespace DecisionLedger.Reporting;

/// <summary>
/// Writes each report as one CSV table (RFC 4180, CRLF line ends, formula-injection safe; see
/// <see cref="CsvRow"/>). Every row ends with the checkpoint's origin, tree size and root hash, so
/// any extract of the table still names what it was computed against (the signed note itself is in
/// the JSON and HTML forms).
/// </summary>
/// <remarks>
/// Usage is a long table <c>section,key,version,time,value</c> (sections <c>filter</c>,
/// <c>summary</c>, <c>version</c>, <c>outcomeField</c>, <c>outcome</c>, <c>latencyMs</c>,
/// <c>overTime</c>); the version timeline has one row per period; data access one per user; the
/// access log one per read.
/// </remarks>
internal static class ReportCsvWriter
{
    private const string CheckpointColumns = ",checkpointOrigin,checkpointTreeSize,checkpointRootHash\r\n";

    /// <summary>Writes a usage report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the CSV; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static async Task WriteAsync(UsageReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        await W(writer, "section,key,version,time,value" + CheckpointColumns, cancellationToken).ConfigureAwait(false);
        ReportCheckpoint c = report.Checkpoint;
        async Task Row(string section, string? key, string? version, DateTimeOffset? time, Action<CsvRow> value)
        {
            var row = new CsvRow().Text(section).Text(key).Text(version).Time(time);
            value(row);
            await W(writer, End(row, c), cancellationToken).ConfigureAwait(false);
        }

        await Row("filter", "model", null, null, r => r.Text(report.Filters.Model)).ConfigureAwait(false);
        if (report.Filters.Version is { } version)
        {
            await Row("filter", "version", null, null, r => r.Text(version)).ConfigureAwait(false);
        }

        if (report.Filters.From is { } from)
        {
            await Row("filter", "from", null, from, r => r.Empty()).ConfigureAwait(false);
        }

        if (report.Filters.To is { } to)
        {
            await Row("filter", "to", null, to, r => r.Empty()).ConfigureAwait(false);
        }

        await Row("summary", "total", null, null, r => r.Number(report.Total)).ConfigureAwait(false);
        await Row("summary", "failures", null, null, r => r.Number(report.Failures)).ConfigureAwait(false);
        await Row("summary", "uniqueUsers", null, null, r => r.Number(report.UniqueUsers)).ConfigureAwait(false);
        await Row("summary", "first", null, report.First, r => r.Empty()).ConfigureAwait(false);
        await Row("summary", "last", null, report.Last, r => r.Empty()).ConfigureAwait(false);
        foreach (VersionUsage v in report.Versions)
        {
            await Row("version", "count", v.Version, null, r => r.Number(v.Count)).ConfigureAwait(false);
            await Row("version", "first", v.Version, v.First, r => r.Empty()).ConfigureAwait(false);
            await Row("version", "last", v.Version, v.Last, r => r.Empty()).ConfigureAwait(false);
        }

        await Row("outcomeField", null, null, null, r => r.Text(report.OutcomeField)).ConfigureAwait(false);
        foreach (OutcomeCount o in report.Outcomes)
        {
            await Row("outcome", o.Value, null, null, r => r.Number(o.Count)).ConfigureAwait(false);
        }

        LatencySummary l = report.LatencyMs;
        await Row("latencyMs", "count", null, null, r => r.Number(l.Count)).ConfigureAwait(false);
        await Row("latencyMs", "mean", null, null, r => r.Number(l.Mean)).ConfigureAwait(false);
        await Row("latencyMs", "p50", null, null, r => r.Number(l.P50)).ConfigureAwait(false);
        await Row("latencyMs", "p95", null, null, r => r.Number(l.P95)).ConfigureAwait(false);
        await Row("latencyMs", "p99", null, null, r => r.Number(l.P99)).ConfigureAwait(false);
        await Row("latencyMs", "max", null, null, r => r.Number(l.Max)).ConfigureAwait(false);
        foreach (UsageBucket b in report.OverTime)
        {
            await Row("overTime", null, b.Version, b.BucketStart, r => r.Number(b.Count)).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a version timeline, one row per period.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the CSV; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static async Task WriteAsync(VersionTimelineReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        await W(writer, "model,version,from,to,count,firstSeq,lastSeq" + CheckpointColumns, cancellationToken).ConfigureAwait(false);
        foreach (VersionPeriod p in report.Periods)
        {
            var row = new CsvRow().Text(report.Model).Text(p.Version).Time(p.From).Time(p.To).Number(p.Count).Number(p.FirstSeq).Number(p.LastSeq);
            await W(writer, End(row, report.Checkpoint), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a data-access report, one row per user (models separated by <c>;</c>).</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the CSV; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static async Task WriteAsync(DataAccessReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        await W(writer, "user,decisions,subjects,models,first,last,viewed" + CheckpointColumns, cancellationToken).ConfigureAwait(false);
        foreach (DataAccessUser u in report.Users)
        {
            var row = new CsvRow().Text(u.User).Number(u.Decisions).Number(u.Subjects).Text(string.Join(';', u.Models)).Time(u.First).Time(u.Last).Number(u.Viewed);
            await W(writer, End(row, report.Checkpoint), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes an access-log report, one row per read (request ids separated by spaces).</summary>
    /// <param name="report">The report.</param>
    /// <param name="records">The records, streamed from <see cref="AccessLogReport.ReadRecordsAsync"/>.</param>
    /// <param name="writer">Receives the CSV; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static async Task WriteAsync(AccessLogReport report, IAsyncEnumerable<AccessLogReportRecord> records, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(writer);
        await W(writer, "at,user,role,route,requestIds" + CheckpointColumns, cancellationToken).ConfigureAwait(false);
        await foreach (AccessLogReportRecord r in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var row = new CsvRow().Time(r.At).Text(r.User).Text(r.Role).Text(r.Route).Text(string.Join(' ', r.RequestIds));
            await W(writer, End(row, report.Checkpoint), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string End(CsvRow row, ReportCheckpoint checkpoint) =>
        row.Text(checkpoint.Origin).Number(checkpoint.TreeSize).Text(checkpoint.RootHash.ToBase64()).ToString();

    private static Task W(TextWriter writer, string text, CancellationToken cancellationToken) =>
        writer.WriteAsync(text.AsMemory(), cancellationToken);
}
