using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// One unit of work handed from the builder stage to the commit stage: a built batch (or a
/// checkpoint alone), the requests waiting on it, the flushes behind it, or a barrier the
/// builder waits on after a failure (or on a split part's own commit).
/// </summary>
internal sealed class CommitJob
{
    /// <summary>The tree generation the job was built on; a failed commit invalidates its generation.</summary>
    public required long Generation { get; init; }

    /// <summary>The store size once this job is committed.</summary>
    public required long EndSize { get; init; }

    /// <summary>
    /// Whether the batch is a part of a failed batch being split (<see cref="HandedBackRequests"/>): it is
    /// tried once (the whole batch already had the <see cref="StoreRetry"/> rule), and if it fails it is split
    /// further or, holding one entry, that entry fails.
    /// </summary>
    public bool IsSplitPart { get; init; }

    /// <summary>The entries, inputs, tiles and checkpoint to write atomically, or null.</summary>
    public AppendBatch? Batch { get; init; }

    /// <summary>A checkpoint to write on its own when <see cref="Batch"/> is null.</summary>
    public StoredCheckpoint? Checkpoint { get; init; }

    /// <summary>The requests of the batch with their receipts, completed on commit.</summary>
    public List<(EntryRequest Request, RecordReceipt Receipt)> Receipts { get; init; } = [];

    /// <summary>Caller-supplied request ids reserved until the batch is committed or failed.</summary>
    public List<string>? ReservedIds { get; init; }

    /// <summary>Flushes that complete once this job is settled.</summary>
    public List<FlushRequest>? Flushes { get; set; }

    /// <summary>Completes once every job before it is settled; the builder waits on it to rebuild its tree.</summary>
    public TaskCompletionSource? Barrier { get; init; }
}
