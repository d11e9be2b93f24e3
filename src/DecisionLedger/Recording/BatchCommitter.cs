using System.Diagnostics;
using System.Threading.Channels;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Recording;

/// <summary>
/// Stage 2: writes each built job in one transaction (one fsync) under the one
/// <see cref="StoreRetry"/> rule, then completes its receipts — or hands those that want a proof
/// to the <see cref="ReceiptProver"/>. A batch that still fails invalidates the tree generation it
/// was built on, and is handed back to the builder to be split (<see cref="HandedBackRequests"/>), so
/// only an entry the store cannot take even alone fails. Every later job of that generation is handed
/// back untried (its seqs assumed the lost batch) and rebuilt once the builder, past a
/// <see cref="CommitJob.Barrier"/>, has rebuilt its tree from the store.
/// </summary>
internal sealed class BatchCommitter
{
    // Two jobs in flight: one being committed while the next is built.
    private readonly Channel<CommitJob> _jobs = Channel.CreateBounded<CommitJob>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
    private readonly ILedgerStore _store;
    private readonly StoreRetry _retry;
    private readonly RequestIdReservations _reservations;
    private readonly CheckpointSchedule _schedule;
    private readonly ReceiptProver _prover;
    private readonly HandedBackRequests _handedBack;
    private readonly RecorderMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SubjectRefs? _refs;
    private long _durableSize;
    private long _invalidGeneration;

    public BatchCommitter(RecorderContext context, RequestIdReservations reservations, CheckpointSchedule schedule, ReceiptProver prover, HandedBackRequests handedBack, long durableSize, SubjectRefs? refs = null)
    {
        _refs = refs;
        _handedBack = handedBack;
        _store = context.Store;
        _retry = context.Retry;
        _metrics = context.Metrics;
        _logger = context.Logger;
        _reservations = reservations;
        _schedule = schedule;
        _prover = prover;
        _durableSize = durableSize;
    }

    /// <summary>The number of entries durably in the store as far as the recorder knows.</summary>
    public long DurableSize
    {
        get => Interlocked.Read(ref _durableSize);
        set => Interlocked.Exchange(ref _durableSize, value);
    }

    /// <summary>The newest tree generation a failed commit invalidated.</summary>
    public long InvalidGeneration => Volatile.Read(ref _invalidGeneration);

    /// <summary>Hands a job over; waits while two are already in flight (back-pressure on the builder).</summary>
    public ValueTask SubmitAsync(CommitJob job) => _jobs.Writer.WriteAsync(job);

    /// <summary>No more jobs: the stage ends once the queued ones are settled.</summary>
    public void Complete() => _jobs.Writer.TryComplete();

    public async Task RunAsync()
    {
        try
        {
            await foreach (CommitJob job in _jobs.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    await CommitAsync(job).ConfigureAwait(false);
                }
                finally
                {
                    Settle(job);
                }
            }
        }
        finally
        {
            _prover.Complete();
        }
    }

    private async Task CommitAsync(CommitJob job)
    {
        if (job.Batch is null && job.Checkpoint is null)
        {
            return;
        }

        if (job.Generation <= InvalidGeneration)
        {
            // Built on a tree that assumed an earlier batch which failed: its seqs are wrong, its entries
            // may well be fine. The builder rebuilds them on its tree reloaded from the store.
            if (job.Receipts.Count > 0)
            {
                _handedBack.Untried(Requests(job));
            }
            else
            {
                _schedule.Reset(DurableSize, retrySoon: true);
            }
        }
        else if (job.Batch is { } batch)
        {
            await CommitBatchAsync(job, batch).ConfigureAwait(false);
        }
        else
        {
            await CommitCheckpointAsync(job.Checkpoint!).ConfigureAwait(false);
        }
    }

    private async Task CommitBatchAsync(CommitJob job, AppendBatch batch)
    {
        long startSize = DurableSize;
        try
        {
            long started = Stopwatch.GetTimestamp();
            if (job.IsSplitPart)
            {
                await _store.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await _retry.RunAsync(ct => _store.AppendAsync(batch, ct), batch.Entries.Count).ConfigureAwait(false);
            }

            _metrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch (Exception ex)
        {
            // Invalidate before handing anything back: the builder, seeing what is handed back, must also see
            // that its tree holds leaves the store never took.
            Volatile.Write(ref _invalidGeneration, job.Generation);
            LedgerStoreException failure = ex as LedgerStoreException
                ?? new LedgerStoreException($"The ledger store failed to append {batch.Entries.Count} decisions: {ex.Message}", ex);
            if (job.Receipts.Count == 0)
            {
                // Only entries the builder wrote on its own (a format or heads entry) with a checkpoint: no caller to tell.
                // The rebuilt tree writes them again with the next batch or tick.
                RecorderLog.CheckpointFailed(_logger, ex, batch.Checkpoint?.TreeSize ?? job.EndSize);
                _schedule.Reset(DurableSize, retrySoon: true);
                return;
            }

            if (job.Receipts.Count > 1)
            {
                // One entry the store refuses (or cannot encode) must not fail every decision sharing its batch.
                _handedBack.Suspect(Requests(job), failure);
                return;
            }

            if (job.IsSplitPart)
            {
                _handedBack.FailedAlone(failure, job.Receipts[0].Request.RequestId);
            }
            else
            {
                RecorderLog.AppendFailed(_logger, ex, batch.Entries.Count, _retry.MaxAttempts, job.Receipts[0].Request.RequestId);
            }

            Fail(job, failure);
            return;
        }

        _refs?.Committed(batch.NewSubjectRefs);
        _metrics.BatchSize.Record(batch.Entries.Count);
        _metrics.EntriesAppended.Add(batch.Entries.Count);
        DurableSize = job.EndSize;
        if (batch.Checkpoint is not null)
        {
            NoteCheckpoint(batch.Checkpoint);
        }

        List<(EntryRequest Request, RecordReceipt Receipt)>? waiters = null;
        foreach ((EntryRequest request, RecordReceipt receipt) in job.Receipts)
        {
            if (request.IncludeProof)
            {
                (waiters ??= []).Add((request, receipt));
            }
            else
            {
                request.Complete(receipt);
            }
        }

        if (waiters is not null || _prover.Following)
        {
            _prover.Committed(startSize, batch.Entries, batch.Checkpoint, waiters);
        }
    }

    private async Task CommitCheckpointAsync(StoredCheckpoint checkpoint)
    {
        try
        {
            await _retry.RunAsync(ct => _store.AppendCheckpointAsync(checkpoint, ct)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The entries are durable; a later batch or tick signs a newer checkpoint.
            RecorderLog.CheckpointFailed(_logger, ex, checkpoint.TreeSize);
            _schedule.Reset(DurableSize, retrySoon: true);
            return;
        }

        NoteCheckpoint(checkpoint);
        if (_prover.Following)
        {
            _prover.Committed(DurableSize, [], checkpoint, waiters: null);
        }
    }

    private void Fail(CommitJob job, Exception error)
    {
        _metrics.Reject("store_failure", job.Receipts.Count);
        foreach ((EntryRequest request, _) in job.Receipts)
        {
            request.Fail(error);
        }
    }

    private static List<EntryRequest> Requests(CommitJob job) => job.Receipts.ConvertAll(receipt => receipt.Request);

    private void Settle(CommitJob job)
    {
        _reservations.Release(job.ReservedIds);
        if (job.Flushes is not null)
        {
            foreach (FlushRequest flush in job.Flushes)
            {
                flush.Completion.TrySetResult();
            }
        }

        job.Barrier?.TrySetResult();
    }

    private void NoteCheckpoint(StoredCheckpoint checkpoint)
    {
        _metrics.Checkpoints.Add(1);
        RecorderLog.CheckpointSigned(_logger, checkpoint.TreeSize, checkpoint.RootHash.ToBase64());
    }
}
