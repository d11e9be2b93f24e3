using DecisionLedger.Hashing;

namespace DecisionLedger.Witnessing.Publishing;

/// <summary>What the publisher knows about one witness; only the publisher's round writes it, under its lock.</summary>
internal sealed class WitnessTracker(WitnessEndpoint endpoint)
{
    private readonly Lock _gate = new();

    public WitnessEndpoint Endpoint { get; } = endpoint;

    public string Name => Endpoint.Witness.Name;

    /// <summary>The <c>old</c> size of the next request: 0 until the witness cosigns or a 409 tells.</summary>
    public long KnownSize { get; set; }

    public long CosignedSize { get; private set; }

    public Sha256Hash? CosignedRoot { get; private set; }

    public long Failures { get; private set; }

    public int ConsecutiveFailures { get; private set; }

    public long SplitViews { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset? LastErrorAt { get; private set; }

    public DateTimeOffset? LastCosignedAt { get; private set; }

    public DateTimeOffset? NextAttemptAt { get; private set; }

    public bool IsDue(DateTimeOffset now) => NextAttemptAt is not { } next || now >= next;

    public bool HasCosigned(long size, Sha256Hash root) => CosignedSize == size && CosignedRoot == root;

    public void Cosigned(long size, Sha256Hash root, DateTimeOffset now)
    {
        lock (_gate)
        {
            KnownSize = size;
            CosignedSize = Math.Max(CosignedSize, size);
            CosignedRoot = root;
            ConsecutiveFailures = 0;
            NextAttemptAt = null;
            LastCosignedAt = now;
        }
    }

    /// <summary>Counts a failure and schedules the retry: the delay doubles per failure in a row, up to the maximum.</summary>
    /// <returns>The delay before the next attempt.</returns>
    public TimeSpan Failed(string reason, bool splitView, DateTimeOffset now, TimeSpan minDelay, TimeSpan maxDelay)
    {
        lock (_gate)
        {
            Failures++;
            ConsecutiveFailures++;
            if (splitView)
            {
                SplitViews++;
            }

            LastError = reason;
            LastErrorAt = now;
            double factor = Math.Pow(2, Math.Min(ConsecutiveFailures - 1, 30));
            TimeSpan delay = TimeSpan.FromTicks((long)Math.Min(minDelay.Ticks * factor, maxDelay.Ticks));
            NextAttemptAt = now + delay;
            return delay;
        }
    }

    public WitnessStatus Snapshot()
    {
        lock (_gate)
        {
            return new WitnessStatus(
                Name,
                Endpoint.Witness.Verifier.VerifierKey,
                Endpoint.SubmissionPrefix,
                CosignedSize,
                KnownSize,
                Failures,
                ConsecutiveFailures,
                SplitViews,
                LastError,
                LastErrorAt,
                LastCosignedAt,
                NextAttemptAt);
        }
    }
}
