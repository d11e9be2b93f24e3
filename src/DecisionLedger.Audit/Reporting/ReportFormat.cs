namespace DecisionLedger.Reporting;

/// <summary>The forms a report is written in.</summary>
public enum ReportFormat
{
    /// <summary>One JSON document (<see cref="ReportJsonWriter"/>), the default.</summary>
    Json,

    /// <summary>One CSV table (<see cref="ReportCsvWriter"/>).</summary>
    Csv,

    /// <summary>One self-contained HTML page (<see cref="ReportHtmlWriter"/>).</summary>
    Html,
}
