using System.Threading.Channels;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The background indexer of a <see cref="SqliteIndexMode.Deferred"/> store: one task that follows
/// the log from the durable watermark, indexing up to <see cref="BatchSize"/> entries per
/// transaction. Appends wake it through a one-slot channel (a wake-up while it works is kept,
/// never lost, never queued twice); it sleeps otherwise, so an idle store costs nothing. A failed
/// batch (another process holding the lock past the busy timeout, a full disk) is retried after
/// <see cref="RetryDelay"/>; meanwhile queries stay correct by scanning the unindexed tail.
/// </summary>
internal sealed class SqliteIndexer : IAsyncDisposable
{
    /// <summary>The most entries indexed in one transaction: large enough to amortize its fsync, small enough to hold the write lock only briefly.</summary>
    public const int BatchSize = 16_384;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a wake-up waits for more appends before indexing. Below saturation every group
    /// commit wakes the indexer; indexing each one in its own transaction doubled the per-commit
    /// cost (measured at a steady 5,000/s: 191 µs of CPU per decision, batches of 45). Queries do not
    /// notice the wait: they scan the unindexed tail.
    /// </summary>
    public static readonly TimeSpan GatherDelay = TimeSpan.FromMilliseconds(200);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly Func<int, int> _indexNext;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts the loop; it catches up from the watermark at once.</summary>
    /// <param name="indexNext">Indexes the next batch of at most the given size under the store's write lock; returns how many entries it indexed.</param>
    public SqliteIndexer(Func<int, int> indexNext)
    {
        _indexNext = indexNext;
        _wake.Writer.TryWrite(true);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The last failure of a batch, or null once a batch succeeds again.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Tells the indexer entries were appended.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Stops the loop after its current batch; the watermark keeps what was indexed.</summary>
    public async ValueTask DisposeAsync()
    {
        _wake.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        CancellationToken stopping = _stop.Token;
        while (await _wake.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
        {
            await Task.Delay(GatherDelay, stopping).ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
            try
            {
                while (!stopping.IsCancellationRequested && _indexNext(BatchSize) > 0)
                {
                    // Lets a waiting append take the write lock between batches.
                    await Task.Yield();
                }

                LastError = null;
            }
            catch (Exception exception) when (exception is not OperationCanceledException && !stopping.IsCancellationRequested)
            {
                LastError = exception;
                await Task.Delay(RetryDelay, stopping).ConfigureAwait(false);
                _wake.Writer.TryWrite(true);
            }
        }
    }
}
