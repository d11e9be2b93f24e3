using System.Security.Cryptography;
using System.Threading.Channels;
using DecisionLedger.Checkpoints;
using DecisionLedger.Merkle;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Recording;

/// <summary>
/// Stage 1: takes what is queued (lingering briefly for company below saturation), refuses
/// duplicate request ids, loads subject keys, builds each entry with <see cref="EntryBuilder"/>
/// (validate → redact → canonicalize → hash), appends the leaves to the Merkle tree it alone owns,
/// signs a checkpoint when <see cref="CheckpointSchedule"/> says so, and hands the job to the
/// <see cref="BatchCommitter"/>, so building batch N+1 overlaps the fsync of batch N. Requests a failed
/// commit handed back (<see cref="HandedBackRequests"/>) come first: the <see cref="FailedBatchSplitter"/>
/// splits a failed batch in halves, each committed on its own, until the entry the store cannot take is alone.
/// </summary>
internal sealed class BatchBuilder
{
    private readonly DecisionQueue _queue;
    private readonly BatchCommitter _committer;
    private readonly EntryBuilder _entries;
    private readonly RequestIdReservations _reservations;
    private readonly FailedBatchSplitter _splitter;
    private readonly SubjectKeyring? _keyring;
    private readonly CheckpointSchedule _schedule;
    private readonly CommitLinger _linger;
    private readonly ICheckpointSigner _signer;
    private readonly ILedgerStore _store;
    private readonly StoreRetry _retry;
    private readonly LedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly RecorderMetrics _metrics;
    private readonly ILogger _logger;
    private readonly BuilderTree _tree;
    private readonly SubjectRefs? _refs;
    private readonly GeneratedEvents _events;

    public BatchBuilder(
        RecorderContext context,
        DecisionQueue queue,
        BatchCommitter committer,
        RequestIdReservations reservations,
        CheckpointSchedule schedule,
        CommitLinger linger,
        ICheckpointSigner signer,
        MerkleTree tree,
        EntryBuilder entries,
        SubjectKeyring? keyring,
        HandedBackRequests handedBack,
        ChainState chains,
        SubjectRefs? refs,
        GeneratedEvents events)
    {
        (_store, _options, _time, _retry, _metrics, _logger) = context;
        _queue = queue;
        _committer = committer;
        _reservations = reservations;
        _schedule = schedule;
        _linger = linger;
        _signer = signer;
        _tree = new BuilderTree(tree, chains, refs, _store, _retry, committer, schedule, _options.EntryFormat);
        _refs = refs;
        _events = events;
        _entries = entries;
        _keyring = keyring;
        _splitter = new FailedBatchSplitter(handedBack, committer, _metrics, _tree.EnsureAsync, part => BuildBatchAsync(part, splitPart: true));
    }

    public async Task RunAsync()
    {
        var items = new List<QueueItem>(Math.Min(_options.MaxBatchSize, 1024));
        ChannelReader<QueueItem> reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                items.Clear();
                (bool drained, bool urgent) = Drain(reader, items);
                _queue.NotifyRoom();
                if (_linger.ShouldWait(drained, urgent))
                {
                    int before = items.Count;
                    await _linger.WaitAsync().ConfigureAwait(false);
                    Drain(reader, items);
                    _queue.NotifyRoom();
                    _linger.Observe(items.Count - before);
                }

                await BuildAsync(items).ConfigureAwait(false);
            }

            // Shutdown: everything accepted is built, what failed commits hand back included; seal it with a final checkpoint.
            await DrainHandedBackAsync().ConfigureAwait(false);
            await _tree.EnsureAsync().ConfigureAwait(false);
            if (_tree.Chains.NeedsFormat)
            {
                // The switch to v2 happens when the recorder opens; only a failed write can leave it for now.
                await BuildAsync([]).ConfigureAwait(false);
                await DrainHandedBackAsync().ConfigureAwait(false);
                await _tree.EnsureAsync().ConfigureAwait(false);
            }

            if (_tree.Current is { } tree && tree.Size > _schedule.SignedSize)
            {
                await _committer.SubmitAsync(CheckpointJob()).ConfigureAwait(false);
            }
        }
        finally
        {
            _committer.Complete();
        }
    }

    // Takes queued items up to a batch; reports whether the queue ran dry and whether an item must not wait.
    private (bool Drained, bool Urgent) Drain(ChannelReader<QueueItem> reader, List<QueueItem> items)
    {
        bool urgent = false;
        while (items.Count < _options.MaxBatchSize)
        {
            if (!reader.TryRead(out QueueItem? item))
            {
                return (true, urgent);
            }

            items.Add(item);
            urgent |= item is not DecisionRequest and not PreparedDecisionRequest;
        }

        return (false, urgent);
    }

    private async Task BuildAsync(List<QueueItem> items)
    {
        var requests = new List<EntryRequest>(items.Count);
        List<FlushRequest>? flushes = null;
        bool tick = false;
        foreach (QueueItem item in items)
        {
            switch (item)
            {
                case EntryRequest request:
                    requests.Add(request);
                    break;
                case FlushRequest flush:
                    (flushes ??= []).Add(flush);
                    break;
                case CheckpointTick:
                    tick = true;
                    break;
            }
        }

        CommitJob? job = null;
        try
        {
            await _splitter.RebuildHandedBackAsync(requests).ConfigureAwait(false);
            await _tree.EnsureAsync().ConfigureAwait(false);
            if (requests.Count > 0 || _tree.Chains.NeedsFormat)
            {
                job = await BuildBatchAsync(requests).ConfigureAwait(false);
            }
            else if (tick && _schedule.IsDue(_tree.Current!.Size))
            {
                job = CheckpointJob();
            }
        }
        catch (Exception ex)
        {
            // The store cannot even be read: these requests fail now, loudly.
            _metrics.Reject("store_failure", requests.Count);
            foreach (EntryRequest request in requests)
            {
                request.Fail(ex);
            }
        }

        job ??= new CommitJob { Generation = _tree.Generation, EndSize = _tree.Current?.Size ?? _committer.DurableSize };
        job.Flushes = flushes;
        await _committer.SubmitAsync(job).ConfigureAwait(false);
    }

    // At shutdown a commit still in flight may fail and hand its requests back: wait for every job to
    // settle, rebuild what came back, and repeat until nothing does.
    private async Task DrainHandedBackAsync()
    {
        while (true)
        {
            await _tree.WaitForCommitterAsync().ConfigureAwait(false);
            if (_splitter.IsEmpty)
            {
                return;
            }

            await BuildAsync([]).ConfigureAwait(false);
        }
    }

    private async Task<CommitJob?> BuildBatchAsync(List<EntryRequest> requests, bool splitPart = false)
    {
        (List<EntryRequest> accepted, List<string>? reserved) = await _reservations.FilterAsync(requests).ConfigureAwait(false);
        Dictionary<string, AesGcm>? ciphers = null;
        try
        {
            // Keys and subject refs are fetched (or created) once per batch, before any leaf is added to the tree.
            ciphers = _keyring is null ? null : await _keyring.LoadAsync(accepted).ConfigureAwait(false);
            List<SubjectRef>? newRefs = _refs is null ? null : await _refs.AssignAsync(accepted).ConfigureAwait(false);
            CommitJob? job = BuildEntries(accepted, reserved, ciphers, splitPart, newRefs);
            if (job is null)
            {
                _reservations.Release(reserved);
            }

            return job;
        }
        catch
        {
            _reservations.Release(reserved);
            throw;
        }
        finally
        {
            SubjectKeyring.Dispose(ciphers);
        }
    }

    private CommitJob? BuildEntries(List<EntryRequest> requests, List<string>? reserved, Dictionary<string, AesGcm>? ciphers, bool splitPart, List<SubjectRef>? newRefs)
    {
        MerkleTree tree = _tree.Current!;
        ChainState chains = _tree.Chains;
        long start = tree.Size;
        var entries = new List<StoredEntry>(requests.Count + 2);
        var inputs = new List<StoredInput>(requests.Count);
        var receipts = new List<(EntryRequest, RecordReceipt)>(requests.Count);
        _events.StartBatch(chains, tree, entries);
        ChainState? v2 = chains.IsV2 ? chains : null;
        foreach (EntryRequest request in requests)
        {
            (StoredEntry Entry, StoredInput? Input) built;
            try
            {
                built = request.Build(_entries, start + entries.Count, ciphers, v2);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or RedactionException)
            {
                RecorderLog.BuildFailed(_logger, ex, request.RequestId);
                _metrics.Reject("invalid");
                request.Fail(ex);
                continue;
            }

            tree.Append(built.Entry.LeafHash);
            entries.Add(built.Entry);
            if (v2 is not null)
            {
                v2.Appended(built.Entry);
                if (request is EventRequest { Event.Erasure.SubjectRef: { Length: > 0 } erasedRef })
                {
                    // A later decision about the erased id must not join the erased chain: it gets a new ref.
                    _refs?.Forget(erasedRef);
                }
            }

            if (built.Input is { } input)
            {
                inputs.Add(input);
            }

            receipts.Add((request, new RecordReceipt(built.Entry.Seq, request.RequestId, built.Entry.LeafHash)));
        }

        if (entries.Count == 0)
        {
            return null;
        }

        StoredCheckpoint? checkpoint = _schedule.IsDue(tree.Size) ? SignCheckpoint(entries) : null;

        // The field catalog's paths are collected here, on the builder's thread, and handed to the
        // store with the batch: the store's single writer is the pipeline's bottleneck stage.
        var batch = new AppendBatch(entries, inputs, tree.TakeCompletedTiles(), checkpoint)
        {
            FieldPaths = FieldPathCollector.Collect(entries, inputs),
            NewSubjectRefs = newRefs,
        };
        return new CommitJob
        {
            Generation = _tree.Generation,
            EndSize = tree.Size,
            Batch = batch,
            Receipts = receipts,
            ReservedIds = reserved,
            IsSplitPart = splitPart,
            Barrier = splitPart ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null,
        };
    }

    private CommitJob CheckpointJob()
    {
        // A v2 checkpoint is signed over a heads entry: then the checkpoint comes with one entry of its own.
        var entries = new List<StoredEntry>(1);
        StoredCheckpoint checkpoint = SignCheckpoint(entries);
        if (entries.Count == 0)
        {
            return new CommitJob { Generation = _tree.Generation, EndSize = checkpoint.TreeSize, Checkpoint = checkpoint };
        }

        var batch = new AppendBatch(entries, [], _tree.Current!.TakeCompletedTiles(), checkpoint) { FieldPaths = FieldPathCollector.Collect(entries, []) };
        return new CommitJob { Generation = _tree.Generation, EndSize = checkpoint.TreeSize, Batch = batch };
    }

    // In a v2 ledger the last entry under a checkpoint is a heads entry, appended to the tree and the batch's entries first.
    private StoredCheckpoint SignCheckpoint(List<StoredEntry> entries)
    {
        MerkleTree tree = _tree.Current!;
        _events.AppendHeads(_tree.Chains, tree, entries);

        string note = CheckpointNote.Sign(new Checkpoint(_options.Origin, tree.Size, tree.Root), _signer);
        _schedule.Signed(tree.Size);
        return new StoredCheckpoint(tree.Size, tree.Root, note, _time.GetUtcNow());
    }
}
