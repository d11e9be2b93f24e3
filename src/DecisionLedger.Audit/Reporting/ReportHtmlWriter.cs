using System.Globalization;
using System.Net;

namespace DecisionLedger.Reporting;

/// <summary>
/// Writes reports as printable, self-contained HTML pages: the subject report's inline style, inline
/// SVG bar charts, no scripts, no external resources (a Content-Security-Policy forbids loading any),
/// every value HTML-escaped; each page ends with the signed checkpoint it was computed against.
/// </summary>
internal static class ReportHtmlWriter
{
    /// <summary>Writes a usage report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the page; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static async Task WriteAsync(UsageReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        string scope = report.Filters.Version is null ? report.Filters.Model : $"{report.Filters.Model} {report.Filters.Version}";
        await W(writer, Head($"Usage of {scope}", report.Checkpoint), cancellationToken).ConfigureAwait(false);
        string range = report.Filters.From is null && report.Filters.To is null
            ? "all time"
            : $"from {(report.Filters.From is { } f ? ReportFormatting.Rfc3339(f) : "the start")} to {(report.Filters.To is { } t ? ReportFormatting.Rfc3339(t) : "the checkpoint")}";
        await W(writer, $"""
            <p class="meta">Decisions of model <code>{E(report.Filters.Model)}</code>{(report.Filters.Version is { } v ? $", version <code>{E(v)}</code>" : string.Empty)}, {E(range)}.</p>
            <table>
            <tbody>
            <tr><th>Decisions</th><td class="num">{N(report.Total)}</td></tr>
            <tr><th>Failures (output with an error)</th><td class="num">{N(report.Failures)}</td></tr>
            <tr><th>Unique users</th><td class="num">{N(report.UniqueUsers)}</td></tr>
            <tr><th>First decision</th><td>{T(report.First)}</td></tr>
            <tr><th>Last decision</th><td>{T(report.Last)}</td></tr>
            </tbody>
            </table>
            <h2>Versions</h2>
            {SvgBarChart.Render("Decisions per version", report.Versions.Select(x => (x.Version, (double)x.Count)).ToArray(), Count)}
            <table>
            <thead><tr><th>Version</th><th>Decisions</th><th>First</th><th>Last</th></tr></thead>
            <tbody>

            """, cancellationToken).ConfigureAwait(false);
        foreach (VersionUsage x in report.Versions)
        {
            await W(writer, $"<tr><td>{E(x.Version)}</td><td class=\"num\">{N(x.Count)}</td><td>{T(x.First)}</td><td>{T(x.Last)}</td></tr>\n", cancellationToken).ConfigureAwait(false);
        }

        await W(writer, $"""
            </tbody>
            </table>
            <h2>Outcomes (<code>{E(report.OutcomeField)}</code>)</h2>
            {SvgBarChart.Render("Decisions per outcome", report.Outcomes.Select(o => (o.Value ?? "(field absent)", (double)o.Count)).ToArray(), Count)}
            <table>
            <thead><tr><th>Value</th><th>Decisions</th></tr></thead>
            <tbody>

            """, cancellationToken).ConfigureAwait(false);
        foreach (OutcomeCount o in report.Outcomes)
        {
            await W(writer, $"<tr><td>{(o.Value is null ? "<em>(field absent)</em>" : E(o.Value))}</td><td class=\"num\">{N(o.Count)}</td></tr>\n", cancellationToken).ConfigureAwait(false);
        }

        LatencySummary l = report.LatencyMs;
        (string, double)[] percentiles = [("mean", l.Mean), ("p50", l.P50), ("p95", l.P95), ("p99", l.P99), ("max", l.Max)];
        await W(writer, $"""
            </tbody>
            </table>
            <h2>Latency (ms)</h2>
            <p>{N(l.Count)} decision(s) recorded a latency. Mean and maximum are exact; percentiles are within 1% of the exact nearest-rank value.</p>
            {SvgBarChart.Render("Latency in milliseconds", percentiles, Ms)}
            <table>
            <thead><tr><th>Mean</th><th>p50</th><th>p95</th><th>p99</th><th>Max</th></tr></thead>
            <tbody><tr><td class="num">{Ms(l.Mean)}</td><td class="num">{Ms(l.P50)}</td><td class="num">{Ms(l.P95)}</td><td class="num">{Ms(l.P99)}</td><td class="num">{Ms(l.Max)}</td></tr></tbody>
            </table>
            <h2>Decisions over time (per {(report.Bucket == TimeBucket.Hour ? "hour" : "day")}, UTC)</h2>
            {SvgBarChart.Render("Decisions over time per version", report.OverTime.Select(b => ($"{Bucket(b.BucketStart, report.Bucket)} {b.Version}", (double)b.Count)).ToArray(), Count)}
            <table>
            <thead><tr><th>Bucket start</th><th>Version</th><th>Decisions</th></tr></thead>
            <tbody>

            """, cancellationToken).ConfigureAwait(false);
        foreach (UsageBucket b in report.OverTime)
        {
            await W(writer, $"<tr><td>{E(Bucket(b.BucketStart, report.Bucket))}</td><td>{E(b.Version)}</td><td class=\"num\">{N(b.Count)}</td></tr>\n", cancellationToken).ConfigureAwait(false);
        }

        await W(writer, "</tbody>\n</table>\n" + Foot(report.Checkpoint), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a version timeline.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the page; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static async Task WriteAsync(VersionTimelineReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        await W(writer, Head($"Version timeline of {report.Model}", report.Checkpoint), cancellationToken).ConfigureAwait(false);
        if (report.At is { } at)
        {
            await W(writer, report.VersionAt is { } version
                ? $"<p class=\"answer\">At {E(ReportFormatting.Rfc3339(at))} model <code>{E(report.Model)}</code> was serving version <strong>{E(version)}</strong> (the version of its last decision at or before that time).</p>\n"
                : $"<p class=\"answer\">Model <code>{E(report.Model)}</code> made no decision at or before {E(ReportFormatting.Rfc3339(at))}.</p>\n", cancellationToken).ConfigureAwait(false);
        }

        await W(writer, $"""
            <h2>Periods</h2>
            <p>Each period is a run of consecutive decisions (in ledger order) made by one version.</p>
            {SvgBarChart.Render("Decisions per period", report.Periods.Select(p => ($"{p.Version} from {ReportFormatting.Rfc3339(p.From)[..10]}", (double)p.Count)).ToArray(), Count)}
            <table>
            <thead><tr><th>Version</th><th>From</th><th>To</th><th>Decisions</th><th>Entries (seq)</th></tr></thead>
            <tbody>

            """, cancellationToken).ConfigureAwait(false);
        foreach (VersionPeriod p in report.Periods)
        {
            await W(writer, $"<tr><td>{E(p.Version)}</td><td>{T(p.From)}</td><td>{T(p.To)}</td><td class=\"num\">{N(p.Count)}</td><td>{N(p.FirstSeq)}–{N(p.LastSeq)}</td></tr>\n", cancellationToken).ConfigureAwait(false);
        }

        await W(writer, "</tbody>\n</table>\n<h2>Change points</h2>\n<table>\n<thead><tr><th>At</th><th>Entry (seq)</th><th>From version</th><th>To version</th></tr></thead>\n<tbody>\n", cancellationToken).ConfigureAwait(false);
        foreach (VersionChange c in report.Changes)
        {
            await W(writer, $"<tr><td>{T(c.At)}</td><td class=\"num\">{N(c.Seq)}</td><td>{E(c.FromVersion)}</td><td>{E(c.ToVersion)}</td></tr>\n", cancellationToken).ConfigureAwait(false);
        }

        await W(writer, "</tbody>\n</table>\n" + Foot(report.Checkpoint), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a data-access report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the page; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static async Task WriteAsync(DataAccessReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        await W(writer, Head("Data access per user", report.Checkpoint), cancellationToken).ConfigureAwait(false);
        await W(writer, $"""
            <p>Decisions each user requested, the distinct data subjects they were about, and how many decisions the user read through the API (access log).</p>
            {SvgBarChart.Render("Decisions requested per user", report.Users.Select(u => (u.User, (double)u.Decisions)).ToArray(), Count)}
            <table>
            <thead><tr><th>User</th><th>Decisions</th><th>Subjects</th><th>Models</th><th>First</th><th>Last</th><th>Decisions read</th></tr></thead>
            <tbody>

            """, cancellationToken).ConfigureAwait(false);
        foreach (DataAccessUser u in report.Users)
        {
            await W(writer, $"<tr><td>{E(u.User)}</td><td class=\"num\">{N(u.Decisions)}</td><td class=\"num\">{N(u.Subjects)}</td><td>{E(string.Join(", ", u.Models))}</td><td>{T(u.First)}</td><td>{T(u.Last)}</td><td class=\"num\">{N(u.Viewed)}</td></tr>\n", cancellationToken).ConfigureAwait(false);
        }

        await W(writer, "</tbody>\n</table>\n" + Foot(report.Checkpoint), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes an access-log report with its streamed records.</summary>
    /// <param name="report">The report.</param>
    /// <param name="records">The records, from <see cref="AccessLogReport.ReadRecordsAsync"/>.</param>
    /// <param name="writer">Receives the page; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static async Task WriteAsync(AccessLogReport report, IAsyncEnumerable<AccessLogReportRecord> records, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(writer);
        await W(writer, Head("Access log: who viewed which decisions", report.Checkpoint), cancellationToken).ConfigureAwait(false);
        string filters = (report.RequestId, report.User) switch
        {
            (null, null) => "every read",
            (string id, null) => $"reads of decision <code>{E(id)}</code>",
            (null, string user) => $"reads by <code>{E(user)}</code>",
            (string id, string user) => $"reads of decision <code>{E(id)}</code> by <code>{E(user)}</code>",
        };
        await W(writer, $"<p>Listing {filters}, oldest first.</p>\n<table>\n<thead><tr><th>At</th><th>User (API key)</th><th>Role</th><th>Route</th><th>Decisions returned</th></tr></thead>\n<tbody>\n", cancellationToken).ConfigureAwait(false);
        await foreach (AccessLogReportRecord r in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await W(writer, $"<tr><td>{T(r.At)}</td><td>{E(r.User)}</td><td>{E(r.Role)}</td><td><code>{E(r.Route)}</code></td><td><code>{E(string.Join(" ", r.RequestIds))}</code></td></tr>\n", cancellationToken).ConfigureAwait(false);
        }

        await W(writer, "</tbody>\n</table>\n" + Foot(report.Checkpoint), cancellationToken).ConfigureAwait(false);
    }

    private static string Head(string title, ReportCheckpoint checkpoint) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}}</title>
        <style>
        {{SubjectReportHtmlWriter.Style}}
        svg.chart { display: block; max-width: 100%; height: auto; margin: 0.75rem 0; }
        @media print { svg.chart rect { fill: #555; } }
        </style>
        </head>
        <body>
        <h1>{{E(title)}}</h1>
        <p class="meta">From the decision ledger <code>{{E(checkpoint.Origin)}}</code>, its first {{N(checkpoint.TreeSize)}} entries (signed checkpoint below).</p>

        """;

    private static string Foot(ReportCheckpoint checkpoint)
    {
        string size = N(checkpoint.TreeSize);
        return $"""
            <h2>How this report can be checked</h2>
            <p>This report was computed against the ledger's signed checkpoint of tree size <strong>{size}</strong> with root hash <code>{E(checkpoint.RootHash.ToBase64())}</code>:
            it counts only entries with seq below {size}. Verify the checkpoint with the ledger's public key, prove any entry with
            <code>dledger proof inclusion --seq N --tree-size {size}</code>, and recompute the report from an evidence bundle of the same checkpoint.</p>
            <pre>{E(checkpoint.Note)}</pre>
            </body>
            </html>

            """;
    }

    private static string Bucket(DateTimeOffset start, TimeBucket bucket) =>
        start.UtcDateTime.ToString(bucket == TimeBucket.Hour ? "yyyy-MM-dd HH:00" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string T(DateTimeOffset? time) => time is { } t ? E(ReportFormatting.Rfc3339(t)) : "—";

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static Task W(TextWriter writer, string text, CancellationToken cancellationToken) =>
        writer.WriteAsync(text.AsMemory(), cancellationToken);
}
