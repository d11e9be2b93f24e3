namespace DecisionLedger.Recording;

/// <summary>
/// The <see cref="BatchBuilder"/>'s defence in depth against one entry the store cannot take: what a failed
/// commit handed back (<see cref="HandedBackRequests"/>) is split in halves, each committed on its own, one
/// part at a time, until the entry that cannot be stored is alone and fails alone; requests never attempted
/// are put back ahead of the new ones.
/// </summary>
/// <remarks>
/// Runs on the builder's thread only. It builds through the builder (<paramref name="ensureTree"/>,
/// <paramref name="buildPart"/>) because the builder alone owns the Merkle tree.
/// </remarks>
/// <param name="handedBack">What the committer gave back.</param>
/// <param name="committer">Where each part is committed.</param>
/// <param name="metrics">Counts a part that cannot even be built as a store failure.</param>
/// <param name="ensureTree">Rebuilds the builder's tree from the store after a failed commit.</param>
/// <param name="buildPart">Builds one part as a split-part job (with a barrier), or null when nothing in it was built.</param>
internal sealed class FailedBatchSplitter(
    HandedBackRequests handedBack,
    BatchCommitter committer,
    RecorderMetrics metrics,
    Func<Task> ensureTree,
    Func<List<EntryRequest>, Task<CommitJob?>> buildPart)
{
    /// <summary>Whether nothing is waiting to be split or rebuilt.</summary>
    public bool IsEmpty => handedBack.IsEmpty;

    /// <summary>Splits every failed group handed back, then puts the untried requests ahead of <paramref name="requests"/>.</summary>
    public async Task RebuildHandedBackAsync(List<EntryRequest> requests)
    {
        while (handedBack.TryTakeSuspects(out List<EntryRequest> suspects))
        {
            int half = suspects.Count / 2;
            await CommitPartAsync(suspects.GetRange(0, half)).ConfigureAwait(false);
            await CommitPartAsync(suspects.GetRange(half, suspects.Count - half)).ConfigureAwait(false);
        }

        if (handedBack.TakeUntried() is { } untried)
        {
            requests.InsertRange(0, untried);
        }
    }

    // One part of a split, built on the tree as the store has it and committed before the next part is
    // built: a part that fails changes the tree the next one must be built on. Splitting is rare, so it
    // gives up the pipelining for the certainty that each part's seqs are right.
    private async Task CommitPartAsync(List<EntryRequest> part)
    {
        CommitJob? job;
        try
        {
            await ensureTree().ConfigureAwait(false);
            job = await buildPart(part).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            metrics.Reject("store_failure", part.Count);
            foreach (EntryRequest request in part)
            {
                request.Fail(ex);
            }

            return;
        }

        if (job is not null)
        {
            await committer.SubmitAsync(job).ConfigureAwait(false);
            await job.Barrier!.Task.ConfigureAwait(false);
        }
    }
}
