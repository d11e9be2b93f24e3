using System.Diagnostics.Metrics;

namespace DecisionLedger.Timestamping;

/// <summary>
/// <c>decisionledger.tsa.requests{tsa, outcome}</c>: every request to a Time Stamp Authority, by its
/// configured name and outcome (<c>success</c>, <c>unreachable</c>, <c>http_error</c>, <c>rejected</c>,
/// <c>bad_response</c>, <c>store_error</c>).
/// </summary>
internal sealed class TimestampingMetrics : IDisposable
{
    /// <summary>The instrument's name.</summary>
    public const string RequestsName = "decisionledger.tsa.requests";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;

    public TimestampingMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(Recording.RecorderMetrics.MeterName) ?? new Meter(Recording.RecorderMetrics.MeterName);
        _requests = _meter.CreateCounter<long>(RequestsName, unit: "{request}", description: "Requests to RFC 3161 time-stamp authorities, by authority and outcome.");
    }

    public void Request(string authority, string outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>("tsa", authority), new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}
