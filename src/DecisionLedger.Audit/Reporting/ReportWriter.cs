namespace DecisionLedger.Reporting;

/// <summary>Writes any report in a <see cref="ReportFormat"/> chosen at run time, so the CLI and the collector pick the writer in one place.</summary>
public static class ReportWriter
{
    /// <summary>The format names accepted by <see cref="ParseFormat"/>: <c>json</c>, <c>csv</c>, <c>html</c>.</summary>
    public static IReadOnlyList<string> FormatNames { get; } = ["json", "csv", "html"];

    /// <summary>Parses a format name.</summary>
    /// <param name="name">json, csv or html (exact, lowercase); null for json.</param>
    /// <param name="field">The option or parameter that carried it, named in the error (e.g. <c>--format</c>).</param>
    /// <returns>The format.</returns>
    /// <exception cref="FormatException">The name is not one of the three; the message names <paramref name="field"/>.</exception>
    public static ReportFormat ParseFormat(string? name, string field) => name switch
    {
        null or "json" => ReportFormat.Json,
        "csv" => ReportFormat.Csv,
        "html" => ReportFormat.Html,
        _ => throw new FormatException($"{field}: '{name}' is not one of {string.Join(", ", FormatNames)}."),
    };

    /// <summary>The media type of <paramref name="format"/>, with charset.</summary>
    public static string ContentType(ReportFormat format) => format switch
    {
        ReportFormat.Csv => "text/csv; charset=utf-8",
        ReportFormat.Html => "text/html; charset=utf-8",
        _ => "application/json; charset=utf-8",
    };

    /// <summary>Writes a usage report in <paramref name="format"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="format">The form.</param>
    /// <param name="writer">Receives it; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static Task WriteAsync(UsageReport report, ReportFormat format, TextWriter writer, CancellationToken cancellationToken = default) => format switch
    {
        ReportFormat.Csv => ReportCsvWriter.WriteAsync(report, writer, cancellationToken),
        ReportFormat.Html => ReportHtmlWriter.WriteAsync(report, writer, cancellationToken),
        _ => ReportJsonWriter.WriteAsync(report, writer, cancellationToken),
    };

    /// <summary>Writes a version timeline in <paramref name="format"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="format">The form.</param>
    /// <param name="writer">Receives it; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static Task WriteAsync(VersionTimelineReport report, ReportFormat format, TextWriter writer, CancellationToken cancellationToken = default) => format switch
    {
        ReportFormat.Csv => ReportCsvWriter.WriteAsync(report, writer, cancellationToken),
        ReportFormat.Html => ReportHtmlWriter.WriteAsync(report, writer, cancellationToken),
        _ => ReportJsonWriter.WriteAsync(report, writer, cancellationToken),
    };

    /// <summary>Writes a data-access report in <paramref name="format"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="format">The form.</param>
    /// <param name="writer">Receives it; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static Task WriteAsync(DataAccessReport report, ReportFormat format, TextWriter writer, CancellationToken cancellationToken = default) => format switch
    {
        ReportFormat.Csv => ReportCsvWriter.WriteAsync(report, writer, cancellationToken),
        ReportFormat.Html => ReportHtmlWriter.WriteAsync(report, writer, cancellationToken),
        _ => ReportJsonWriter.WriteAsync(report, writer, cancellationToken),
    };

    /// <summary>Writes an access-log report in <paramref name="format"/>, streaming its records from <paramref name="accessLog"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="accessLog">The ledger's access log.</param>
    /// <param name="format">The form.</param>
    /// <param name="writer">Receives it; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static Task WriteAsync(AccessLogReport report, Access.AccessLog accessLog, ReportFormat format, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        IAsyncEnumerable<AccessLogReportRecord> records = report.ReadRecordsAsync(accessLog, cancellationToken);
        return format switch
        {
            ReportFormat.Csv => ReportCsvWriter.WriteAsync(report, records, writer, cancellationToken),
            ReportFormat.Html => ReportHtmlWriter.WriteAsync(report, records, writer, cancellationToken),
            _ => ReportJsonWriter.WriteAsync(report, records, writer, cancellationToken),
        };
    }
}
