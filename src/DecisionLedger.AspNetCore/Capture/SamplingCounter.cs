namespace DecisionLedger.AspNetCore.Capture;

/// <summary>Counts the decisions of one endpoint left out by sampling since the last report.</summary>
internal sealed class SamplingCounter
{
    private readonly Lock _gate = new();
    private long _sampledOut;
    private DateTimeOffset _since;

    public SamplingCounter(string endpoint, DecisionCaptureMetadata capture, DateTimeOffset since)
    {
        Endpoint = endpoint;
        Capture = capture;
        _since = since;
    }

    public string Endpoint { get; }

    public DecisionCaptureMetadata Capture { get; }

    public void Increment() => Interlocked.Increment(ref _sampledOut);

    /// <summary>Takes the count since the last report and starts a new window at <paramref name="until"/>.</summary>
    public (long SampledOut, DateTimeOffset Since) Take(DateTimeOffset until)
    {
        lock (_gate)
        {
            long count = Interlocked.Exchange(ref _sampledOut, 0);
            DateTimeOffset since = _since;
            if (count > 0)
            {
                _since = until;
            }

            return (count, since);
        }
    }

    /// <summary>Gives back a count whose report could not be recorded, so the next report carries it.</summary>
    public void Restore(long sampledOut, DateTimeOffset since)
    {
        lock (_gate)
        {
            Interlocked.Add(ref _sampledOut, sampledOut);
            _since = since;
        }
    }
}
