using System.Diagnostics.Metrics;

namespace DecisionLedger.Redis.Sequencing;

/// <summary>The sequencer's instruments on the <c>DecisionLedger</c> meter.</summary>
internal sealed class SequencerMetrics : IDisposable
{
    private readonly Meter _meter;

    public SequencerMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create("DecisionLedger") ?? new Meter("DecisionLedger");
        Acknowledged = _meter.CreateCounter<long>("dledger.buffer.acknowledged", "{entry}", "Stream entries acknowledged after their decision was durable (or found already recorded).");
        DeadLettered = _meter.CreateCounter<long>("dledger.buffer.dead_lettered", "{entry}", "Stream entries moved to the dead-letter stream because they could not be recorded.");
        Redelivered = _meter.CreateCounter<long>("dledger.buffer.redelivered", "{entry}", "Stream entries whose decision was already in the ledger (a redelivery after a crash).");
        Claimed = _meter.CreateCounter<long>("dledger.buffer.claimed", "{entry}", "Pending entries claimed from a dead consumer (XAUTOCLAIM).");
    }

    public Counter<long> Acknowledged { get; }

    public Counter<long> DeadLettered { get; }

    public Counter<long> Redelivered { get; }

    public Counter<long> Claimed { get; }

    public void Dispose() => _meter.Dispose();
}
