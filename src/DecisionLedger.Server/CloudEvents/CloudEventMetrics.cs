using System.Diagnostics.Metrics;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>The CloudEvents pairing instruments, on the <c>DecisionLedger</c> meter beside the recorder's.</summary>
internal sealed class CloudEventMetrics : IDisposable
{
    private readonly Meter _meter;

    public CloudEventMetrics(IMeterFactory meterFactory, Func<long> pending)
    {
        _meter = meterFactory.Create("DecisionLedger");
        _meter.CreateObservableUpDownCounter("decisionledger.cloudevents.pending", pending, unit: "{half}", description: "Inference halves waiting for their partner.");
        Paired = _meter.CreateCounter<long>("decisionledger.cloudevents.paired", unit: "{decision}", description: "Request/response pairs recorded as one decision.");
        TimedOut = _meter.CreateCounter<long>("decisionledger.cloudevents.timed_out", unit: "{half}", description: "Halves recorded alone because their partner did not arrive (reason: timeout or shutdown; missing: request or response).");
        Rejected = _meter.CreateCounter<long>("decisionledger.cloudevents.rejected", unit: "{event}", description: "Events refused or halves that could not be recorded, by reason.");
    }

    public Counter<long> Paired { get; }

    public Counter<long> TimedOut { get; }

    public Counter<long> Rejected { get; }

    public void Reject(string reason) => Rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();
}
