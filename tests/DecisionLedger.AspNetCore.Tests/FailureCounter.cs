using System.Diagnostics.Metrics;

namespace DecisionLedger.AspNetCore.Tests;

/// <summary>Listens to <c>decisionledger.capture.failures</c>, counting per endpoint tag and per (endpoint, stage).</summary>
internal sealed class FailureCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public FailureCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "decisionledger.capture.failures")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? endpoint = null;
            string? stage = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "endpoint")
                {
                    endpoint = tag.Value as string;
                }
                else if (tag.Key == "stage")
                {
                    stage = tag.Value as string;
                }
            }

            if (endpoint is null)
            {
                return;
            }

            lock (_gate)
            {
                _counts[endpoint] = _counts.GetValueOrDefault(endpoint) + value;
                string key = endpoint + "|" + stage;
                _counts[key] = _counts.GetValueOrDefault(key) + value;
            }
        });
        _listener.Start();
    }

    /// <summary>The failures counted so far for an endpoint, optionally only those of one stage.</summary>
    public long Count(string endpoint, string? stage = null)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault(stage is null ? endpoint : endpoint + "|" + stage);
        }
    }

    /// <summary>Waits (polling) until the endpoint has a counted failure, optionally of one stage; false after the timeout.</summary>
    public async Task<bool> WaitForAsync(string endpoint, TimeSpan timeout, string? stage = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Count(endpoint, stage) > 0)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    public void Dispose() => _listener.Dispose();
}
