using DecisionLedger.Witnessing;

namespace DecisionLedger.Tests.Witnessing;

/// <summary>The witness state port in memory, with the compare-and-swap the port promises.</summary>
internal sealed class InMemoryWitnessStateStore : IWitnessStateStore
{
    private readonly Dictionary<string, WitnessedCheckpoint> _latest = new(StringComparer.Ordinal);

    /// <summary>Runs once before the next compare-and-swap: simulates a concurrent request winning the race.</summary>
    public Action<Dictionary<string, WitnessedCheckpoint>>? BeforeNextAdvance { get; set; }

    public ValueTask<WitnessedCheckpoint?> GetLatestAsync(string origin, CancellationToken cancellationToken = default)
    {
        lock (_latest)
        {
            return ValueTask.FromResult(_latest.GetValueOrDefault(origin));
        }
    }

    public ValueTask<bool> TryAdvanceAsync(WitnessedCheckpoint? expected, WitnessedCheckpoint next, CancellationToken cancellationToken = default)
    {
        lock (_latest)
        {
            BeforeNextAdvance?.Invoke(_latest);
            BeforeNextAdvance = null;
            if (!Equals(_latest.GetValueOrDefault(next.Origin), expected))
            {
                return ValueTask.FromResult(false);
            }

            _latest[next.Origin] = next;
            return ValueTask.FromResult(true);
        }
    }
}
