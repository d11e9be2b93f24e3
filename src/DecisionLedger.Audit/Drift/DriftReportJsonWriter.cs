using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DecisionLedger.Reporting;

namespace DecisionLedger.Drift;

/// <summary>
/// Writes a drift report as one JSON document: <c>{"report":"drift","checkpoint":{…},"spec":{…},"rule":{…},
/// "baselineDecisions","inputsUnreadable","baseline":[{"path","kind","bins","counts","cuts","values","missing"}],
/// "windows":[{"start","end","decisions","flagged","worstPath","paths":[{"path","values","missing","psi","ks","counts"}]}]}</c>.
/// Times are RFC 3339 UTC with microseconds; a statistic that cannot be computed is null.
/// </summary>
public static class DriftReportJsonWriter
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="report"/>, then a newline.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the JSON; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static async Task WriteAsync(DriftReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            Write(json, report);
        }

        await writer.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan).AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="report"/> as one JSON object.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="report">The report.</param>
    public static void Write(Utf8JsonWriter json, DriftReport report)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(report);
        DriftSpec spec = report.Spec;
        json.WriteStartObject();
        json.WriteString("report", "drift");
        json.WriteStartObject("checkpoint");
        json.WriteString("origin", report.Checkpoint.Origin);
        json.WriteNumber("treeSize", report.Checkpoint.TreeSize);
        json.WriteString("rootHash", report.Checkpoint.RootHash.ToBase64());
        json.WriteString("note", report.Checkpoint.Note);
        json.WriteEndObject();
        json.WriteStartObject("spec");
        json.WriteString("model", spec.Model);
        json.WriteString("version", spec.Version);
        json.WriteStartObject("baseline");
        json.WriteString("from", ReportFormatting.Rfc3339(spec.BaselineFrom));
        json.WriteString("to", ReportFormatting.Rfc3339(spec.BaselineTo));
        json.WriteEndObject();
        json.WriteString("window", DriftWindowLength.Format(spec.Window));
        json.WriteNumber("bins", spec.Bins);
        json.WriteNumber("maxCategories", spec.MaxCategories);
        json.WriteNumber("smoothing", DriftMath.Smoothing);
        json.WriteStartArray("paths");
        foreach (DriftPath path in spec.Paths)
        {
            json.WriteStringValue(path.Path);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("rule");
        json.WriteNumber("psiThreshold", report.Rule.PsiThreshold);
        json.WriteNumber("minDecisions", report.Rule.MinDecisions);
        json.WriteEndObject();
        json.WriteNumber("baselineDecisions", report.BaselineDecisions);
        json.WriteNumber("inputsUnreadable", report.InputsUnreadable);
        json.WriteStartArray("baseline");
        foreach (DriftBaselinePath path in report.Baseline)
        {
            json.WriteStartObject();
            json.WriteString("path", path.Path);
            json.WriteString("kind", KindName(path.Kind));
            Strings(json, "bins", path.Bins);
            Counts(json, "counts", path.Counts);
            json.WriteStartArray("cuts");
            foreach (double cut in path.Cuts)
            {
                json.WriteNumberValue(cut);
            }

            json.WriteEndArray();
            json.WriteNumber("values", path.Values);
            json.WriteNumber("missing", path.Missing);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("windows");
        foreach (DriftWindow window in report.Windows)
        {
            json.WriteStartObject();
            json.WriteString("start", ReportFormatting.Rfc3339(window.Start));
            json.WriteString("end", ReportFormatting.Rfc3339(window.End));
            json.WriteNumber("decisions", window.Decisions);
            json.WriteBoolean("flagged", window.Flagged);
            json.WriteString("worstPath", window.WorstPath);
            json.WriteStartArray("paths");
            foreach (DriftPathResult path in window.Paths)
            {
                json.WriteStartObject();
                json.WriteString("path", path.Path);
                json.WriteNumber("values", path.Values);
                json.WriteNumber("missing", path.Missing);
                Number(json, "psi", path.Psi);
                Number(json, "ks", path.Ks);
                Counts(json, "counts", path.Counts);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The kind as JSON names it: <c>numeric</c>, <c>categorical</c> or <c>none</c>.</summary>
    /// <param name="kind">The kind.</param>
    public static string KindName(DriftPathKind kind) => kind switch
    {
        DriftPathKind.Numeric => "numeric",
        DriftPathKind.Categorical => "categorical",
        _ => "none",
    };

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Strings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void Counts(Utf8JsonWriter json, string name, IReadOnlyList<long> values)
    {
        json.WriteStartArray(name);
        foreach (long value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }
}
