namespace DecisionLedger.Recording;

/// <summary>
/// Decides when the builder signs a checkpoint, so every entry is covered soon after its commit
/// without signing one per tiny batch: a batch carries a checkpoint (written in its own
/// transaction) when <see cref="LedgerOptions.CheckpointEveryEntries"/> entries are uncovered, or
/// when the last one was signed at least the rate limit ago — the smaller of
/// <see cref="LedgerOptions.CheckpointMinInterval"/> and <see cref="LedgerOptions.CheckpointInterval"/>.
/// A batch left uncovered arms a one-shot timer for the moment the rate limit allows the next
/// checkpoint; it queues a <see cref="CheckpointTick"/>, so one follows even if no decision does.
/// </summary>
/// <remarks>Called by the builder alone, except <see cref="Reset"/> (the committer, after a lost checkpoint) and the timer.</remarks>
internal sealed class CheckpointSchedule : IDisposable
{
    private readonly LedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeSpan _rateLimit;
    private readonly ITimer _deadline;
    private long _signedSize;
    private DateTimeOffset _signedAt;
    private int _armed;

    public CheckpointSchedule(LedgerOptions options, TimeProvider time, long signedSize, Func<QueueItem, bool> enqueue)
    {
        _options = options;
        _time = time;
        _rateLimit = options.CheckpointMinInterval < options.CheckpointInterval ? options.CheckpointMinInterval : options.CheckpointInterval;
        _signedSize = signedSize;
        _signedAt = time.GetUtcNow();
        _deadline = time.CreateTimer(
            _ =>
            {
                Volatile.Write(ref _armed, 0);

                // A full queue refuses the tick; it is then busy, and every batch it carries checks the schedule again.
                enqueue(CheckpointTick.Instance);
            },
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>The tree size the newest signed checkpoint covers (committed or on its way).</summary>
    public long SignedSize => Volatile.Read(ref _signedSize);

    /// <summary>Whether a checkpoint should be signed now over a tree of <paramref name="treeSize"/>; arms the timer when one is due later.</summary>
    public bool IsDue(long treeSize)
    {
        long uncovered = treeSize - SignedSize;
        if (uncovered <= 0)
        {
            return false;
        }

        TimeSpan wait = _signedAt + _rateLimit - _time.GetUtcNow();
        if (uncovered >= _options.CheckpointEveryEntries || wait <= TimeSpan.Zero)
        {
            return true;
        }

        if (Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _deadline.Change(wait, Timeout.InfiniteTimeSpan);
        }

        return false;
    }

    /// <summary>Notes that a checkpoint over <paramref name="treeSize"/> was signed.</summary>
    public void Signed(long treeSize)
    {
        Volatile.Write(ref _signedSize, treeSize);
        _signedAt = _time.GetUtcNow();
    }

    /// <summary>
    /// Forgets checkpoints signed past <paramref name="durableSize"/> (their write failed, or the tree
    /// was rebuilt): the next batch or tick signs again.
    /// </summary>
    public void Reset(long durableSize, bool retrySoon)
    {
        Volatile.Write(ref _signedSize, durableSize);
        if (retrySoon && Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _deadline.Change(_rateLimit, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _deadline.Dispose();
}
