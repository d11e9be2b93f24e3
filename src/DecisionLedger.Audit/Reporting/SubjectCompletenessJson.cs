using System.Text.Json;
using DecisionLedger.Completeness;

namespace DecisionLedger.Reporting;

/// <summary>Writes the <c>completeness</c> member of a JSON subject report (shape in <see cref="SubjectReportJsonWriter"/>).</summary>
internal static class SubjectCompletenessJson
{
    /// <summary>Writes <paramref name="completeness"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter json, SubjectReport report, SubjectCompleteness completeness)
    {
        json.WriteStartObject();
        json.WriteString("outcome", OutcomeName(completeness.Outcome));
        json.WriteString("since", ReportFormatting.Rfc3339(completeness.SwitchedAt));
        WriteNullable(json, "subjectRef", completeness.SubjectRef);
        json.WriteString("statement", SubjectCompletenessSentence.For(report));
        if (completeness.Result is { } r)
        {
            json.WriteStartObject("result");
            json.WriteString("key", r.Key);
            json.WriteBoolean("complete", true);
            json.WriteNumber("found", r.Found);
            json.WriteNumber("expected", r.Expected);
            if (r.LowerHeadsSeq is { } lower)
            {
                json.WriteNumber("lowerHeadsSeq", lower);
            }
            else
            {
                json.WriteNull("lowerHeadsSeq");
            }

            json.WriteNumber("upperHeadsSeq", r.UpperHeadsSeq);
            WriteNullable(json, "from", r.From is { } from ? ReportFormatting.Rfc3339(from) : null);
            json.WriteString("to", ReportFormatting.Rfc3339(r.To));
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("result");
        }

        if (completeness.Finding is { } f)
        {
            json.WriteStartObject("finding");
            json.WriteNumber("seq", f.Seq);
            json.WriteString("kind", SubjectCompletenessProver.KindName(f.Kind));
            json.WriteString("detail", f.Detail);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("finding");
        }

        WriteNullable(json, "reason", completeness.Reason);
        json.WritePropertyName("proof");
        if (completeness.Proof is { } proof)
        {
            CompletenessProofJson.Write(json, proof);
        }
        else
        {
            json.WriteNullValue();
        }

        json.WriteEndObject();
    }

    /// <summary>The outcome as scripts see it: kebab-case, e.g. <c>subject-unknown</c>.</summary>
    public static string OutcomeName(SubjectCompletenessOutcome outcome) => outcome switch
    {
        SubjectCompletenessOutcome.Proven => "proven",
        SubjectCompletenessOutcome.Failed => "failed",
        SubjectCompletenessOutcome.SubjectUnknown => "subject-unknown",
        _ => "checkpoint-before-switch",
    };

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
