using System.Diagnostics.Metrics;

namespace DecisionLedger.Recording;

/// <summary>
/// The recorder's instruments on the <c>DecisionLedger</c> meter, named after OpenTelemetry's
/// semantic conventions so exporters pick them up as they are.
/// </summary>
internal sealed class RecorderMetrics : IDisposable
{
    public const string MeterName = "DecisionLedger";

    private readonly Meter _meter;

    public RecorderMetrics(IMeterFactory? meterFactory, Func<long> queueDepth)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableUpDownCounter("decisionledger.queue.depth", queueDepth, unit: "{decision}", description: "Decisions waiting in the recorder's queue.");
        EntriesAppended = _meter.CreateCounter<long>("decisionledger.entries.appended", unit: "{entry}", description: "Entries durably appended to the ledger.");
        BatchSize = _meter.CreateHistogram<int>("decisionledger.batch.size", unit: "{entry}", description: "Entries per group commit.");
        CommitDuration = _meter.CreateHistogram<double>("decisionledger.commit.duration", unit: "s", description: "Duration of one group commit, including the store's fsync.");
        Rejections = _meter.CreateCounter<long>("decisionledger.rejections", unit: "{decision}", description: "Decisions refused or failed, by reason.");
        Checkpoints = _meter.CreateCounter<long>("decisionledger.checkpoints", unit: "{checkpoint}", description: "Signed checkpoints written.");
    }

    public Counter<long> EntriesAppended { get; }

    public Histogram<int> BatchSize { get; }

    public Histogram<double> CommitDuration { get; }

    public Counter<long> Rejections { get; }

    public Counter<long> Checkpoints { get; }

    public void Reject(string reason, long count = 1) =>
        Rejections.Add(count, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();
}
