using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace DecisionLedger.Server.Tests.Drift;

/// <summary>Listens to one instrument of the <c>DecisionLedger</c> meter and keeps every measurement with its tags.</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(double Value, Dictionary<string, string?> Tags)> _measurements = new();

    public MeasurementRecorder(string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == "DecisionLedger" && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Add(value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments now.</summary>
    public void Collect() => _listener.RecordObservableInstruments();

    public double Total(params (string Key, string Value)[] tags) =>
        _measurements.Where(m => Matches(m.Tags, tags)).Sum(m => m.Value);

    public double Last(params (string Key, string Value)[] tags) =>
        _measurements.Last(m => Matches(m.Tags, tags)).Value;

    public void Dispose() => _listener.Dispose();

    private static bool Matches(Dictionary<string, string?> actual, (string Key, string Value)[] wanted) =>
        wanted.All(w => actual.TryGetValue(w.Key, out string? v) && v == w.Value);

    private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString();
        }

        _measurements.Enqueue((value, copy));
    }
}
