using System.Text.Json;

namespace DecisionLedger.Replay;

/// <summary>
/// Writes a replay report as JSON, the shape <c>dledger replay --json</c> prints and <c>POST /v1/replays</c>
/// answers: <c>{"parameters":{…},"matched":M,"differed":D,"notReplayable":N,"eventSeq":S,"results":[{"seq","requestId","model","version","outcome","differences":[{"path","recorded","replayed","delta","tolerance"}],"reason","detail"}]}</c>.
/// </summary>
public static class ReplayReportJson
{
    /// <summary>Writes <paramref name="report"/> as one JSON object.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="report">The report.</param>
    public static void Write(Utf8JsonWriter writer, ReplayReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        writer.WriteStartObject();
        writer.WriteStartObject("parameters");
        foreach ((string name, string value) in report.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        writer.WriteNumber("matched", report.Matched);
        writer.WriteNumber("differed", report.Differed);
        writer.WriteNumber("notReplayable", report.NotReplayable);
        if (report.EventSeq is { } eventSeq)
        {
            writer.WriteNumber("eventSeq", eventSeq);
        }
        else
        {
            writer.WriteNull("eventSeq");
        }

        writer.WriteStartArray("results");
        foreach (ReplayResult result in report.Results)
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", result.Seq);
            writer.WriteString("requestId", result.RequestId);
            writer.WriteString("model", result.ModelName);
            writer.WriteString("version", result.ModelVersion);
            writer.WriteString("outcome", OutcomeText(result.Outcome));
            writer.WriteStartArray("differences");
            foreach (ReplayDifference difference in result.Differences)
            {
                writer.WriteStartObject();
                writer.WriteString("path", difference.Path);
                WriteRaw(writer, "recorded", difference.Recorded);
                WriteRaw(writer, "replayed", difference.Replayed);
                if (difference.Delta is { } delta)
                {
                    writer.WriteNumber("delta", delta);
                }

                if (difference.Tolerance is { } tolerance)
                {
                    writer.WriteNumber("tolerance", tolerance);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (result.Reason is { } reason)
            {
                writer.WriteString("reason", reason);
            }

            if (result.Detail is { } detail)
            {
                writer.WriteString("detail", detail);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The JSON spelling of an outcome: <c>matched</c>, <c>differed</c>, <c>not-replayable</c>.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>Its text.</returns>
    public static string OutcomeText(ReplayOutcome outcome) => outcome switch
    {
        ReplayOutcome.Matched => "matched",
        ReplayOutcome.Differed => "differed",
        _ => "not-replayable",
    };

    // An absent side is written as an absent member, so "null" (a recorded JSON null) stays distinguishable.
    private static void WriteRaw(Utf8JsonWriter writer, string name, string? json)
    {
        if (json is not null)
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(json, skipInputValidation: false);
        }
    }
}
