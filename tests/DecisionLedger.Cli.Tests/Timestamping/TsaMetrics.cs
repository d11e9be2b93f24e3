using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace DecisionLedger.Cli.Tests.Timestamping;

/// <summary>Collects <c>decisionledger.tsa.requests</c> for one authority name, and signals each outcome as it is counted.</summary>
internal sealed class TsaMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _tsa;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _seen = new();

    public TsaMetrics(string tsa)
    {
        _tsa = tsa;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "decisionledger.tsa.requests")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? tsa = null;
            string? outcome = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "tsa")
                {
                    tsa = tag.Value as string;
                }
                else if (tag.Key == "outcome")
                {
                    outcome = tag.Value as string;
                }
            }

            if (tsa == _tsa && outcome is not null)
            {
                Outcomes.Enqueue(outcome);
                Signal(outcome).TrySetResult();
            }
        });
        _listener.Start();
    }

    public ConcurrentQueue<string> Outcomes { get; } = new();

    /// <summary>Completes once <paramref name="outcome"/> has been counted.</summary>
    public Task Seen(string outcome) => Signal(outcome).Task;

    private TaskCompletionSource Signal(string outcome) => _seen.GetOrAdd(outcome, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Dispose() => _listener.Dispose();
}
