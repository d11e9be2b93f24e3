using System.Globalization;
using DecisionLedger.Reporting;

namespace DecisionLedger.Drift;

/// <summary>Writes a drift report for a person: what was compared, the baseline's bins, then one row per window and path.</summary>
public static class DriftReportTextWriter
{
    /// <summary>Writes <paramref name="report"/> as a table.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the text; not flushed or closed.</param>
    public static async Task WriteAsync(DriftReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        DriftSpec spec = report.Spec;
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Drift of {spec.Model} {(spec.Version is null ? "(all versions pooled)" : "version " + spec.Version)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Checkpoint: tree size {report.Checkpoint.TreeSize}, root {report.Checkpoint.RootHash.ToBase64()} ({report.Checkpoint.Origin})");
        text.AppendLine(CultureInfo.InvariantCulture, $"Baseline:   [{ReportFormatting.Rfc3339(spec.BaselineFrom)}, {ReportFormatting.Rfc3339(spec.BaselineTo)}), {report.BaselineDecisions} decisions");
        text.AppendLine(CultureInfo.InvariantCulture, $"Windows:    {DriftWindowLength.Format(spec.Window)} each from the baseline's end; {report.Windows.Count} with decisions");
        text.AppendLine(CultureInfo.InvariantCulture, $"Flag:       PSI > {Num(report.Rule.PsiThreshold)} in a window of at least {report.Rule.MinDecisions} decisions");
        if (report.InputsUnreadable > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Inputs:     {report.InputsUnreadable} decisions had no readable stored input (erased, archived, or encrypted); their input paths count as missing");
        }

        text.AppendLine();
        text.AppendLine("Baseline bins");
        foreach (DriftBaselinePath path in report.Baseline)
        {
            string bins = path.Kind == DriftPathKind.NoBaseline
                ? "no baseline value: not compared"
                : string.Join(", ", path.Bins.Select((b, i) => $"{b}: {path.Counts[i]}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"  {path.Path} ({DriftReportJsonWriter.KindName(path.Kind)}, {path.Values} values, {path.Missing} missing): {bins}");
        }

        text.AppendLine();
        const string Header = "{0,-22} {1,10}  {2,-28} {3,9} {4,9} {5,8}  {6}";
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, Header, "window start (UTC)", "decisions", "path", "values", "PSI", "KS", ""));
        foreach (DriftWindow window in report.Windows)
        {
            foreach (DriftPathResult path in window.Paths)
            {
                string flag = window.Flagged && path.Psi > report.Rule.PsiThreshold ? "DRIFT" : "";
                text.AppendLine(string.Format(
                    CultureInfo.InvariantCulture,
                    Header,
                    window.Start.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    window.Decisions,
                    path.Path,
                    path.Values,
                    path.Psi is { } psi ? Num(psi) : "-",
                    path.Ks is { } ks ? Num(ks) : "-",
                    flag).TrimEnd());
            }
        }

        int flagged = report.Windows.Count(w => w.Flagged);
        text.AppendLine();
        text.AppendLine(flagged == 0 ? "No window drifted." : $"{flagged} window(s) drifted; first at {ReportFormatting.Rfc3339(report.Windows.First(w => w.Flagged).Start)}.");
        await writer.WriteAsync(text.ToString()).ConfigureAwait(false);
    }

    private static string Num(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
