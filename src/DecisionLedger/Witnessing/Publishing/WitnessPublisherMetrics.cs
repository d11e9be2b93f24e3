using System.Diagnostics.Metrics;

namespace DecisionLedger.Witnessing.Publishing;

/// <summary>The publisher's instruments on the <c>DecisionLedger</c> meter.</summary>
internal sealed class WitnessPublisherMetrics : IDisposable
{
    private readonly Meter _meter;

    public WitnessPublisherMetrics(IMeterFactory? meterFactory, Func<IEnumerable<Measurement<long>>> cosignedSizes, Func<long> publishedSize)
    {
        _meter = meterFactory?.Create("DecisionLedger") ?? new Meter("DecisionLedger");
        Requests = _meter.CreateCounter<long>("decisionledger.witness.requests", unit: "{request}", description: "add-checkpoint requests to witnesses, by witness and outcome (cosigned, conflict, refused, rejected, unreachable, bad_cosignature).");
        Retries = _meter.CreateCounter<long>("decisionledger.witness.retries", unit: "{request}", description: "add-checkpoint requests that retried a witness after a failure, by witness.");
        SplitViews = _meter.CreateCounter<long>("decisionledger.witness.split_views", unit: "{refusal}", description: "Refusals (409/422) of a checkpoint of this ledger's own history by a witness: split-view signals, by witness.");
        Published = _meter.CreateCounter<long>("decisionledger.checkpoints.published", unit: "{checkpoint}", description: "Checkpoints that reached the witness policy's quorum of cosignatures.");
        _meter.CreateObservableGauge("decisionledger.witness.cosigned_size", cosignedSizes, unit: "{entry}", description: "The largest tree size each witness cosigned, by witness.");
        _meter.CreateObservableGauge("decisionledger.checkpoint.published_size", publishedSize, unit: "{entry}", description: "The tree size of the newest published (quorum-cosigned) checkpoint; 0 when none.");
    }

    public Counter<long> Requests { get; }

    public Counter<long> Retries { get; }

    public Counter<long> SplitViews { get; }

    public Counter<long> Published { get; }

    public void Request(string witness, string outcome) =>
        Requests.Add(1, new KeyValuePair<string, object?>("witness", witness), new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}
