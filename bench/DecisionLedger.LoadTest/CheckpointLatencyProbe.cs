using System.Collections.Concurrent;
using System.Diagnostics;
using DecisionLedger.PostgreSql;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.LoadTest;

/// <summary>Commit → covered-by-a-stored-signed-checkpoint latency of the sampled decisions, in milliseconds.</summary>
internal sealed record CheckpointLatencyResult(int Samples, int Covered, double P50Millis, double P99Millis, double MaxMillis, int CoveredOnlyAtShutdown);

/// <summary>
/// Measures, for a sample of decisions, the time from the durable receipt of
/// <see cref="DecisionRecorder.RecordAsync(DecisionLedger.Decisions.Decision, CancellationToken)"/> to the moment the
/// latest checkpoint in the store covers the receipt's seq. It reads through its own store over
/// the same ledger (a read-only SQLite connection, or a second PostgreSQL connection), polling
/// every <see cref="PollInterval"/> while receipts are waiting: it works with any recorder, whatever
/// its checkpoint policy, since it only looks at what the store holds. Resolution: the poll interval
/// plus one query.
/// </summary>
internal sealed class CheckpointLatencyProbe : IAsyncDisposable
{
    /// <summary>How often the store is asked for its latest checkpoint while receipts wait.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private readonly ILedgerStore _store;
    private readonly ConcurrentQueue<(long Seq, long ReceiptTicks)> _receipts = new();
    private readonly List<(long Seq, long ReceiptTicks)> _waiting = [];
    private readonly List<double> _latencies = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _poller;
    private int _samples;
    private int _outstanding;
    private long _shutdownTicks = long.MaxValue;
    private int _coveredAtShutdown;

    private CheckpointLatencyProbe(ILedgerStore store)
    {
        _store = store;
        _poller = Task.Run(PollAsync);
    }

    /// <summary>Opens a second store over the run's ledger (which must exist: start the recorder first) and starts polling.</summary>
    public static async Task<CheckpointLatencyProbe> StartAsync(LoadSettings settings, string databasePath)
    {
        ILedgerStore store = LoadStore.IsPostgres(settings)
            ? new PostgreSqlLedgerStore(settings.Connection!, new PostgreSqlLedgerStoreOptions { Schema = LoadStore.PostgresSchema, MigrateOnOpen = false })
            : new SqliteLedgerStore(databasePath, new SqliteLedgerStoreOptions { ReadOnly = true });
        await store.OpenAsync();
        return new CheckpointLatencyProbe(store);
    }

    /// <summary>Whether every sampled receipt has arrived and is covered.</summary>
    public bool AllCovered => Volatile.Read(ref _outstanding) == 0;

    /// <summary>Follows one sampled decision: its receipt time is taken when the durable receipt arrives.</summary>
    public void Observe(ValueTask<RecordReceipt> receipt)
    {
        Interlocked.Increment(ref _samples);
        Interlocked.Increment(ref _outstanding);
        _ = ObserveAsync(receipt);
    }

    /// <summary>Marks the moment the recorder is told to shut down: a checkpoint after it is the shutdown checkpoint, not the policy's.</summary>
    public void MarkShutdown() => Interlocked.Exchange(ref _shutdownTicks, Stopwatch.GetTimestamp());

    /// <summary>Waits up to <paramref name="grace"/> for every sampled receipt to be covered.</summary>
    public async Task WaitCoveredAsync(TimeSpan grace)
    {
        var deadline = Stopwatch.StartNew();
        while (!AllCovered && deadline.Elapsed < grace)
        {
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Stops polling (after waiting up to <paramref name="grace"/> for the last coverage) and returns the percentiles.</summary>
    public async Task<CheckpointLatencyResult> StopAsync(TimeSpan grace)
    {
        await WaitCoveredAsync(grace);
        await _stop.CancelAsync();
        await _poller;
        double[] sorted;
        lock (_latencies)
        {
            sorted = [.. _latencies.Order()];
        }

        double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];
        return new CheckpointLatencyResult(_samples, sorted.Length, At(0.5), At(0.99), sorted.Length == 0 ? double.NaN : sorted[^1], _coveredAtShutdown);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _poller;
        await _store.DisposeAsync();
        _stop.Dispose();
    }

    private async Task ObserveAsync(ValueTask<RecordReceipt> receipt)
    {
        try
        {
            RecordReceipt r = await receipt.ConfigureAwait(false);
            _receipts.Enqueue((r.Seq, Stopwatch.GetTimestamp()));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // A sample that was not recorded has no coverage to wait for.
            Interlocked.Decrement(ref _outstanding);
        }
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            while (_receipts.TryDequeue(out (long Seq, long ReceiptTicks) receipt))
            {
                _waiting.Add(receipt);
            }

            if (_waiting.Count > 0)
            {
                StoredCheckpoint? latest = await _store.GetLatestCheckpointAsync().ConfigureAwait(false);
                long now = Stopwatch.GetTimestamp();
                if (latest is not null)
                {
                    int covered = _waiting.RemoveAll(w =>
                    {
                        if (w.Seq >= latest.TreeSize)
                        {
                            return false;
                        }

                        lock (_latencies)
                        {
                            _latencies.Add(Stopwatch.GetElapsedTime(w.ReceiptTicks, now).TotalMilliseconds);
                        }

                        return true;
                    });
                    if (covered > 0 && now > Interlocked.Read(ref _shutdownTicks))
                    {
                        _coveredAtShutdown += covered;
                    }

                    Interlocked.Add(ref _outstanding, -covered);
                }
            }

            try
            {
                await Task.Delay(PollInterval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
