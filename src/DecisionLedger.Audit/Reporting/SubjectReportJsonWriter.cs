using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DecisionLedger.Reporting;

/// <summary>
/// Writes a subject report as one compact JSON document:
/// <c>{"subjectId","generatedAt","checkpoint":{"origin","treeSize","rootHash","note"},"decisionCount",
/// "decisionsAfterCheckpoint","decisions":[{"seq","requestId","timestamp","model":{"name","version"},"output",
/// "mainFactors":[{"feature","attribution"}],"inputHeld"}],"ledgerEvents":[{"seq","kind","requestId","timestamp"}],"completeness"}</c>,
/// where <c>completeness</c> is present on entry format 2 ledgers only:
/// <c>{"outcome":"proven|failed|subject-unknown|checkpoint-before-switch","since","subjectRef","statement",
/// "result":null|{"key","complete","found","expected","lowerHeadsSeq","upperHeadsSeq","from","to"},
/// "finding":null|{"seq","kind","detail"},"reason","proof":null|completeness.json}</c>.
/// </summary>
public static class SubjectReportJsonWriter
{
    // Written out in chunks so a large report never sits in memory whole.
    private const int FlushThreshold = 1 << 16;

    /// <summary>Writes <paramref name="report"/> and its <paramref name="decisions"/> to <paramref name="writer"/>, then a newline.</summary>
    /// <param name="report">The summary.</param>
    /// <param name="decisions">The decisions, streamed (from <see cref="SubjectReportBuilder.ReadDecisionsAsync"/>).</param>
    /// <param name="writer">Receives the JSON; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static async Task WriteAsync(SubjectReport report, IAsyncEnumerable<ReportedDecision> decisions, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(writer);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("subjectId", report.SubjectId);
        json.WriteString("generatedAt", ReportFormatting.Rfc3339(report.GeneratedAt));
        json.WriteStartObject("checkpoint");
        json.WriteString("origin", report.Checkpoint.Origin);
        json.WriteNumber("treeSize", report.Checkpoint.Size);
        json.WriteString("rootHash", report.Checkpoint.RootHash.ToBase64());
        json.WriteString("note", report.SignedNote);
        json.WriteEndObject();
        json.WriteNumber("decisionCount", report.DecisionCount);
        json.WriteNumber("decisionsAfterCheckpoint", report.DecisionsAfterCheckpoint);
        json.WriteStartArray("decisions");
        await foreach (ReportedDecision d in decisions.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", d.Seq);
            json.WriteString("requestId", d.RequestId);
            json.WriteString("timestamp", ReportFormatting.Rfc3339(d.Timestamp));
            json.WriteStartObject("model");
            json.WriteString("name", d.ModelName);
            json.WriteString("version", d.ModelVersion);
            json.WriteEndObject();
            json.WritePropertyName("output");
            json.WriteRawValue(d.Output, skipInputValidation: false);
            json.WriteStartArray("mainFactors");
            foreach (ReportedFactor factor in d.MainFactors)
            {
                json.WriteStartObject();
                json.WriteString("feature", factor.Feature);
                json.WriteNumber("attribution", factor.Attribution);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteBoolean("inputHeld", d.InputHeld);
            json.WriteEndObject();
            if (json.BytesPending + buffer.WrittenCount >= FlushThreshold)
            {
                await FlushAsync(json, buffer, writer, cancellationToken).ConfigureAwait(false);
            }
        }

        json.WriteEndArray();
        json.WriteStartArray("ledgerEvents");
        foreach (ReportedLedgerEvent e in report.LedgerEvents)
        {
            json.WriteStartObject();
            json.WriteNumber("seq", e.Seq);
            json.WriteString("kind", e.Kind);
            json.WriteString("requestId", e.RequestId);
            json.WriteString("timestamp", ReportFormatting.Rfc3339(e.Timestamp));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (report.Completeness is { } completeness)
        {
            json.WritePropertyName("completeness");
            SubjectCompletenessJson.Write(json, report, completeness);
        }

        json.WriteEndObject();
        await FlushAsync(json, buffer, writer, cancellationToken).ConfigureAwait(false);
        await writer.WriteLineAsync().ConfigureAwait(false);
    }

    private static async Task FlushAsync(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer, TextWriter writer, CancellationToken cancellationToken)
    {
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);

        // Chunks end between JSON tokens, which are whole UTF-8 sequences, so each decodes alone.
        await writer.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan).AsMemory(), cancellationToken).ConfigureAwait(false);
        buffer.ResetWrittenCount();
    }
}
