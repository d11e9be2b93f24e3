using System.Collections.Concurrent;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>The sampling counters of every captured endpoint, keyed by route pattern.</summary>
internal sealed class SamplingRegistry
{
    private readonly ConcurrentDictionary<string, SamplingCounter> _counters = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public SamplingRegistry(TimeProvider time) => _time = time;

    public SamplingCounter For(string endpoint, DecisionCaptureMetadata capture) =>
        _counters.GetOrAdd(endpoint, static (e, state) => new SamplingCounter(e, state.capture, state.time.GetUtcNow()), (capture, time: _time));

    public IReadOnlyCollection<SamplingCounter> Counters => (IReadOnlyCollection<SamplingCounter>)_counters.Values;
}
