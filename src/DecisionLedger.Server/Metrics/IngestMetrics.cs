using System.Diagnostics.Metrics;

namespace DecisionLedger.Server.Metrics;

/// <summary>
/// The collector's rejections, on the recorder's own instrument (<c>decisionledger.rejections</c>, exported as
/// <c>decisionledger_rejections_total{reason}</c>): same meter name, instrument name, unit and description, so
/// the exporter merges them into one series per reason. The recorder counts <c>queue_full</c>,
/// <c>duplicate_request_id</c>, <c>invalid</c> and <c>store_failure</c>; the collector adds what never reaches it.
/// </summary>
internal sealed class IngestMetrics : IDisposable
{
    /// <summary>A decision (a body, or one line of a batch) refused by the parser: 400 or a line error.</summary>
    public const string BadInput = "bad_input";

    /// <summary>A body over the size limit: 413.</summary>
    public const string TooLarge = "too_large";

    /// <summary>A request turned away before its body was read, because too many ingest requests were in flight: 503.</summary>
    public const string Overloaded = "overloaded";

    private readonly Meter _meter = new("DecisionLedger");
    private readonly Counter<long> _rejections;

    public IngestMetrics() =>
        _rejections = _meter.CreateCounter<long>("decisionledger.rejections", unit: "{decision}", description: "Decisions refused or failed, by reason.");

    /// <summary>Counts <paramref name="count"/> rejections for <paramref name="reason"/>.</summary>
    public void Reject(string reason, long count = 1)
    {
        if (count > 0)
        {
            _rejections.Add(count, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
