using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// The Merkle tree the <see cref="BatchBuilder"/> alone appends to, with the v2 chain state that runs ahead of
/// the store with it, and its generation: after a failed commit the tree holds leaves the store never took, so
/// it is dropped and rebuilt from the store (the chain heads and the switch with it, and the subject refs never
/// committed forgotten), and the jobs built on the old one are told apart by their generation.
/// </summary>
internal sealed class BuilderTree(
    MerkleTree tree,
    ChainState chains,
    SubjectRefs? refs,
    ILedgerStore store,
    StoreRetry retry,
    BatchCommitter committer,
    CheckpointSchedule schedule,
    int entryFormat)
{
    private readonly ILedgerStore _store = store;
    private readonly StoreRetry _retry = retry;
    private readonly BatchCommitter _committer = committer;
    private readonly CheckpointSchedule _schedule = schedule;

    /// <summary>The tree, or null while a rebuild failed to read the store.</summary>
    public MerkleTree? Current { get; private set; } = tree;

    /// <summary>The v2 state built along with <see cref="Current"/>.</summary>
    public ChainState Chains { get; private set; } = chains;

    /// <summary>The generation jobs built on <see cref="Current"/> carry.</summary>
    public long Generation { get; private set; } = 1;

    /// <summary>
    /// Rebuilds the tree from the store when a commit failed since it was built (or a rebuild did):
    /// waits (on a barrier job, not by polling) until the committer has settled every job built on
    /// it first.
    /// </summary>
    public async Task EnsureAsync()
    {
        if (_committer.InvalidGeneration < Generation && Current is not null)
        {
            return;
        }

        await WaitForCommitterAsync().ConfigureAwait(false);
        Current = null;
        long size = await _retry.RunAsync(ct => _store.GetSizeAsync(ct)).ConfigureAwait(false);
        Current = await _retry.RunAsync(ct => LedgerTreeLoader.LoadAsync(_store, size, ct)).ConfigureAwait(false);
        Chains = await _retry.RunAsync(ct => new ValueTask<ChainState>(ChainState.LoadAsync(_store, size, entryFormat, ct, Chains.WithoutHeadsCommitment))).ConfigureAwait(false);
        refs?.ForgetUncommitted();
        StoredCheckpoint? latest = await _retry.RunAsync(ct => _store.GetLatestCheckpointAsync(ct)).ConfigureAwait(false);
        long covered = latest?.TreeSize ?? 0;
        _schedule.Reset(covered, retrySoon: covered < size);
        _committer.DurableSize = size;
        Generation = _committer.InvalidGeneration + 1;
    }

    /// <summary>Completes once the committer has settled every job submitted so far.</summary>
    public async Task WaitForCommitterAsync()
    {
        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _committer.SubmitAsync(new CommitJob { Generation = Generation, EndSize = _committer.DurableSize, Barrier = barrier }).ConfigureAwait(false);
        await barrier.Task.ConfigureAwait(false);
    }
}
