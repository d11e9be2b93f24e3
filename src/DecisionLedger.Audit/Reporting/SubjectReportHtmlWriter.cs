using System.Globalization;
using System.Net;

namespace DecisionLedger.Reporting;

/// <summary>
/// Writes a subject report as one printable, self-contained HTML page: inline CSS, no scripts, no
/// external resources (a Content-Security-Policy forbids loading any), every value HTML-escaped.
/// </summary>
public static class SubjectReportHtmlWriter
{
    /// <summary>The print-friendly inline style sheet every HTML report shares.</summary>
    internal const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.45; }
        h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
        h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
        .meta { color: #555; margin-top: 0; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
        th, td { border: 1px solid #bbb; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
        th { background: #f0f0f0; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        code, pre { font-family: ui-monospace, "SFMono-Regular", Consolas, monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
        pre { background: #f6f6f6; border: 1px solid #ddd; padding: 0.75rem; white-space: pre-wrap; }
        @media print {
          body { margin: 0; max-width: none; font-size: 10pt; }
          th { background: none; }
          tr { page-break-inside: avoid; }
          h2 { page-break-after: avoid; }
        }
        """;

    /// <summary>Writes <paramref name="report"/> and its <paramref name="decisions"/> as an HTML document to <paramref name="writer"/>.</summary>
    /// <param name="report">The summary.</param>
    /// <param name="decisions">The decisions, streamed (from <see cref="SubjectReportBuilder.ReadDecisionsAsync"/>).</param>
    /// <param name="writer">Receives the page; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static async Task WriteAsync(SubjectReport report, IAsyncEnumerable<ReportedDecision> decisions, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(writer);
        string subject = E(report.SubjectId);
        string size = report.Checkpoint.Size.ToString(CultureInfo.InvariantCulture);
        await W(writer, $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Automated decisions about {{subject}}</title>
            <style>
            {{Style}}
            </style>
            </head>
            <body>
            <h1>Automated decisions about <span class="subject">{{subject}}</span></h1>
            <p class="meta">Report generated on {{E(ReportFormatting.When(report.GeneratedAt))}} from the decision ledger <code>{{E(report.Checkpoint.Origin)}}</code>.</p>
            <p>The ledger holds <strong>{{report.DecisionCount.ToString(CultureInfo.InvariantCulture)}}</strong> automated decision(s) about you, most recent first.</p>
            <table>
            <thead><tr><th>#</th><th>Date (UTC)</th><th>Model</th><th>Outcome</th><th>Main factors</th><th>Input</th><th>Ledger entry</th></tr></thead>
            <tbody>

            """, cancellationToken).ConfigureAwait(false);

        long n = 0;
        await foreach (ReportedDecision d in decisions.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            n++;
            await W(writer,
                $"<tr><td class=\"num\">{n.ToString(CultureInfo.InvariantCulture)}</td><td>{E(ReportFormatting.When(d.Timestamp))}</td><td>{E(d.ModelName)} {E(d.ModelVersion)}</td>"
                + $"<td>{E(ReportFormatting.Outcome(d.Output))}<br><code>{E(d.Output)}</code></td><td>{E(ReportFormatting.Factors(d.MainFactors))}</td>"
                + $"<td>{(d.InputHeld ? "held" : "not held")}</td><td>seq {d.Seq.ToString(CultureInfo.InvariantCulture)}<br><code>{E(d.RequestId)}</code></td></tr>\n",
                cancellationToken).ConfigureAwait(false);
        }

        await W(writer, "</tbody>\n</table>\n", cancellationToken).ConfigureAwait(false);
        if (SubjectCompletenessSentence.For(report) is { } completeness)
        {
            await W(writer, $"<p class=\"completeness\">{E(completeness)}</p>\n", cancellationToken).ConfigureAwait(false);
        }

        if (report.LedgerEvents.Count > 0)
        {
            await W(writer, "<h2>Other ledger events about you</h2>\n<p>These entries are not decisions.</p>\n<ul>\n", cancellationToken).ConfigureAwait(false);
            foreach (ReportedLedgerEvent e in report.LedgerEvents)
            {
                await W(writer, $"<li>{E(ReportFormatting.When(e.Timestamp))}: {E(e.Kind)} (seq {e.Seq.ToString(CultureInfo.InvariantCulture)}, <code>{E(e.RequestId)}</code>)</li>\n", cancellationToken).ConfigureAwait(false);
            }

            await W(writer, "</ul>\n", cancellationToken).ConfigureAwait(false);
        }

        if (report.DecisionsAfterCheckpoint > 0)
        {
            await W(writer, $"<p>{report.DecisionsAfterCheckpoint.ToString(CultureInfo.InvariantCulture)} more decision(s) about you were recorded after the checkpoint below and are not in this report.</p>\n", cancellationToken).ConfigureAwait(false);
        }

        await W(writer, $$"""
            <h2>How this report can be checked</h2>
            <p>This report was computed against the ledger's signed checkpoint of tree size <strong>{{size}}</strong> with root hash <code>{{E(report.Checkpoint.RootHash.ToBase64())}}</code>.
            Every decision listed is one of its first {{size}} entries, so an auditor can prove it is in the ledger unchanged with
            <code>dledger proof inclusion --seq N --tree-size {{size}}</code>, and verify this signed checkpoint with the ledger's public key:</p>
            <pre>{{E(report.SignedNote)}}</pre>
            </body>
            </html>

            """, cancellationToken).ConfigureAwait(false);
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static Task W(TextWriter writer, string text, CancellationToken cancellationToken) =>
        writer.WriteAsync(text.AsMemory(), cancellationToken);
}
