using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DecisionLedger.Reporting;

/// <summary>
/// Writes reports as one compact JSON document each, in the shapes of the HTTP contract
/// (<c>GET /v1/reports/…</c>, docs/auditing.md): <c>{"report":"usage"|"version-timeline"|"data-access"|"access-log",
/// "checkpoint":{"origin","treeSize","rootHash","note"}, …}</c>. Times are RFC 3339 UTC with microseconds.
/// </summary>
public static class ReportJsonWriter
{
    // Written out in chunks so a long access log never sits in memory whole.
    private const int FlushThreshold = 1 << 16;
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes a usage report, then a newline.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the JSON; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static Task WriteAsync(UsageReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return WriteDocumentAsync(writer, json =>
        {
            Start(json, "usage", report.Checkpoint);
            json.WriteStartObject("filters");
            json.WriteString("model", report.Filters.Model);
            json.WriteString("version", report.Filters.Version);
            Time(json, "from", report.Filters.From);
            Time(json, "to", report.Filters.To);
            json.WriteEndObject();
            json.WriteNumber("total", report.Total);
            json.WriteNumber("failures", report.Failures);
            Time(json, "first", report.First);
            Time(json, "last", report.Last);
            json.WriteNumber("uniqueUsers", report.UniqueUsers);
            json.WriteStartArray("versions");
            foreach (VersionUsage v in report.Versions)
            {
                json.WriteStartObject();
                json.WriteString("version", v.Version);
                json.WriteNumber("count", v.Count);
                Time(json, "first", v.First);
                Time(json, "last", v.Last);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("outcomeField", report.OutcomeField);
            json.WriteStartArray("outcomes");
            foreach (OutcomeCount o in report.Outcomes)
            {
                json.WriteStartObject();
                json.WriteString("value", o.Value);
                json.WriteNumber("count", o.Count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("latencyMs");
            json.WriteNumber("count", report.LatencyMs.Count);
            json.WriteNumber("mean", report.LatencyMs.Mean);
            json.WriteNumber("p50", report.LatencyMs.P50);
            json.WriteNumber("p95", report.LatencyMs.P95);
            json.WriteNumber("p99", report.LatencyMs.P99);
            json.WriteNumber("max", report.LatencyMs.Max);
            json.WriteEndObject();
            json.WriteStartArray("overTime");
            foreach (UsageBucket b in report.OverTime)
            {
                json.WriteStartObject();
                Time(json, "bucketStart", b.BucketStart);
                json.WriteString("version", b.Version);
                json.WriteNumber("count", b.Count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }, cancellationToken);
    }

    /// <summary>Writes a version timeline, then a newline.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the JSON; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static Task WriteAsync(VersionTimelineReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return WriteDocumentAsync(writer, json =>
        {
            Start(json, "version-timeline", report.Checkpoint);
            json.WriteString("model", report.Model);
            Time(json, "at", report.At);
            json.WriteString("versionAt", report.VersionAt);
            json.WriteStartArray("periods");
            foreach (VersionPeriod p in report.Periods)
            {
                json.WriteStartObject();
                json.WriteString("version", p.Version);
                Time(json, "from", p.From);
                Time(json, "to", p.To);
                json.WriteNumber("count", p.Count);
                json.WriteNumber("firstSeq", p.FirstSeq);
                json.WriteNumber("lastSeq", p.LastSeq);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("changes");
            foreach (VersionChange c in report.Changes)
            {
                json.WriteStartObject();
                Time(json, "at", c.At);
                json.WriteNumber("seq", c.Seq);
                json.WriteString("fromVersion", c.FromVersion);
                json.WriteString("toVersion", c.ToVersion);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }, cancellationToken);
    }

    /// <summary>Writes a data-access report, then a newline.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Receives the JSON; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static Task WriteAsync(DataAccessReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return WriteDocumentAsync(writer, json =>
        {
            Start(json, "data-access", report.Checkpoint);
            json.WriteStartArray("users");
            foreach (DataAccessUser u in report.Users)
            {
                json.WriteStartObject();
                json.WriteString("user", u.User);
                json.WriteNumber("decisions", u.Decisions);
                json.WriteNumber("subjects", u.Subjects);
                json.WriteStartArray("models");
                foreach (string model in u.Models)
                {
                    json.WriteStringValue(model);
                }

                json.WriteEndArray();
                Time(json, "first", u.First);
                Time(json, "last", u.Last);
                json.WriteNumber("viewed", u.Viewed);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }, cancellationToken);
    }

    /// <summary>Writes an access-log report with its streamed <paramref name="records"/>, then a newline.</summary>
    /// <param name="report">The report.</param>
    /// <param name="records">The records, from <see cref="AccessLogReport.ReadRecordsAsync"/>.</param>
    /// <param name="writer">Receives the JSON; not flushed or closed.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    public static async Task WriteAsync(AccessLogReport report, IAsyncEnumerable<AccessLogReportRecord> records, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(writer);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var json = new Utf8JsonWriter(buffer, s_options);
        Start(json, "access-log", report.Checkpoint);
        json.WriteStartArray("records");
        await foreach (AccessLogReportRecord r in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            json.WriteStartObject();
            Time(json, "at", r.At);
            json.WriteString("user", r.User);
            json.WriteString("role", r.Role);
            json.WriteString("route", r.Route);
            json.WriteStartArray("requestIds");
            foreach (string id in r.RequestIds)
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            if (json.BytesPending + buffer.WrittenCount >= FlushThreshold)
            {
                await FlushAsync(json, buffer, writer, cancellationToken).ConfigureAwait(false);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await FlushAsync(json, buffer, writer, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    private static void Start(Utf8JsonWriter json, string name, ReportCheckpoint checkpoint)
    {
        json.WriteStartObject();
        json.WriteString("report", name);
        json.WriteStartObject("checkpoint");
        json.WriteString("origin", checkpoint.Origin);
        json.WriteNumber("treeSize", checkpoint.TreeSize);
        json.WriteString("rootHash", checkpoint.RootHash.ToBase64());
        json.WriteString("note", checkpoint.Note);
        json.WriteEndObject();
    }

    private static void Time(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            json.WriteString(name, ReportFormatting.Rfc3339(t));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static async Task WriteDocumentAsync(TextWriter writer, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            write(json);
        }

        await writer.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan).AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    private static async Task FlushAsync(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer, TextWriter writer, CancellationToken cancellationToken)
    {
        json.Flush();
        await writer.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan).AsMemory(), cancellationToken).ConfigureAwait(false);
        buffer.ResetWrittenCount();
    }
}
