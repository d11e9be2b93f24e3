using System.Diagnostics.Metrics;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>Instruments of decision capture, on the <c>DecisionLedger</c> meter.</summary>
internal sealed class CaptureMetrics : IDisposable
{
    public const string MeterName = "DecisionLedger";

    /// <summary>The <c>stage</c> tag of a failure known before the response was written (503 or served with the alarm).</summary>
    public const string BeforeResponse = "before_response";

    /// <summary>The <c>stage</c> tag of a decision accepted and served under Enqueued whose commit then failed.</summary>
    public const string AfterResponse = "after_response";

    private readonly Meter _meter;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _sampledOut;

    public CaptureMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _failures = _meter.CreateCounter<long>("decisionledger.capture.failures", "{decision}", "Decisions served or withheld because they could not be recorded.");
        _sampledOut = _meter.CreateCounter<long>("decisionledger.capture.sampled_out", "{decision}", "Decisions left out by sampling.");
    }

    /// <summary>Counts one decision that could not be recorded; <paramref name="stage"/> is <see cref="BeforeResponse"/> or <see cref="AfterResponse"/>.</summary>
    public void Failure(string endpoint, LedgerFailureMode mode, string stage) =>
        _failures.Add(
            1,
            new KeyValuePair<string, object?>("endpoint", endpoint),
            new KeyValuePair<string, object?>("mode", mode == LedgerFailureMode.FailClosed ? "fail_closed" : "proceed_and_alarm"),
            new KeyValuePair<string, object?>("stage", stage));

    public void SampledOut(string endpoint) => _sampledOut.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));

    public void Dispose() => _meter.Dispose();
}
