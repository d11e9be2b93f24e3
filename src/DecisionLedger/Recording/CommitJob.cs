using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// One unit of work handed from the recorder's builder stage to its commit stage: a built
/// batch (or a checkpoint alone), the callers waiting on it, and the flushes behind it.
/// </summary>
internal sealed class CommitJob
{
    /// <summary>The tree generation the batch was built on; a failed commit invalidates its generation.</summary>
    public required long Generation { get; init; }

    /// <summary>The store size once this job is committed.</summary>
    public required long EndSize { get; init; }

    /// <summary>The entries, inputs, tiles and checkpoint to write atomically, or null for a checkpoint-only job.</summary>
    public AppendBatch? Batch { get; init; }

    /// <summary>A checkpoint to write on its own when <see cref="Batch"/> is null.</summary>
    public StoredCheckpoint? Checkpoint { get; init; }

    /// <summary>The decisions of the batch with their receipts, completed on commit.</summary>
    public List<(PendingDecision Item, RecordReceipt Receipt)> Receipts { get; init; } = [];

    /// <summary>Caller-supplied request ids reserved until the batch is committed or failed.</summary>
    public List<string>? ReservedIds { get; init; }

    /// <summary>Flushes that complete once this job is done.</summary>
    public List<PendingDecision>? Flushes { get; set; }
}
