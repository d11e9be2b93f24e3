using System.Buffers;
using System.Text.Json;
using DecisionLedger.Drift;
using System.Globalization;
using DecisionLedger.Reporting;

namespace DecisionLedger.Server.Drift;

/// <summary>A window of one model version whose PSI went over its watch's threshold: what the log, the counter and the webhook report.</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version, or null for all versions pooled.</param>
/// <param name="Window">The flagged window.</param>
/// <param name="Threshold">The watch's PSI threshold.</param>
/// <param name="Checkpoint">The signed checkpoint the figures were computed against.</param>
internal sealed record DriftAlert(string Model, string? Version, DriftWindow Window, double Threshold, ReportCheckpoint Checkpoint)
{
    /// <summary>The version as metrics and logs name it: <c>*</c> for all versions pooled.</summary>
    public string VersionTag => Version ?? "*";

    /// <summary>
    /// The webhook body: <c>{"alert":"drift","model","version","window":{"start","end"},"decisions","threshold",
    /// "worstPath","paths":[{"path","psi","ks"}],"checkpoint":{"origin","treeSize","rootHash"}}</c>, paths over the threshold only.
    /// </summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("alert", "drift");
            json.WriteString("model", Model);
            json.WriteString("version", Version);
            json.WriteStartObject("window");
            json.WriteString("start", Rfc3339(Window.Start));
            json.WriteString("end", Rfc3339(Window.End));
            json.WriteEndObject();
            json.WriteNumber("decisions", Window.Decisions);
            json.WriteNumber("threshold", Threshold);
            json.WriteString("worstPath", Window.WorstPath);
            json.WriteStartArray("paths");
            foreach (DriftPathResult path in Window.Over(Threshold))
            {
                json.WriteStartObject();
                json.WriteString("path", path.Path);
                json.WriteNumber("psi", path.Psi!.Value);
                if (path.Ks is { } ks)
                {
                    json.WriteNumber("ks", ks);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("checkpoint");
            json.WriteString("origin", Checkpoint.Origin);
            json.WriteNumber("treeSize", Checkpoint.TreeSize);
            json.WriteString("rootHash", Checkpoint.RootHash.ToBase64());
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
