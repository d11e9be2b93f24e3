using System.Threading.Channels;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// The last stage, for receipts asked with <c>includeProof</c>: it holds each such receipt until a
/// committed checkpoint covers the entry, then completes it with that checkpoint's signed note and
/// the entry's inclusion proof against it. It follows the committed log with its own tree (so the
/// builder's tree, which runs ahead of the store, is never shared), and only while receipts wait:
/// a recorder nobody asks for proofs never pays for it.
/// </summary>
internal sealed class ReceiptProver(ILedgerStore store)
{
    private readonly Channel<Notice> _notices = Channel.CreateUnbounded<Notice>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly List<(EntryRequest Request, RecordReceipt Receipt)> _pending = [];
    private MerkleTree? _tree;
    private int _waiting;

    /// <summary>True while a receipt waits for its proof: the committer must then report every commit.</summary>
    public bool Following => Volatile.Read(ref _waiting) > 0;

    /// <summary>Reports a commit: the entries it appended after <paramref name="startSize"/>, its checkpoint, and receipts that want proofs.</summary>
    public void Committed(long startSize, IReadOnlyList<StoredEntry> entries, StoredCheckpoint? checkpoint, List<(EntryRequest Request, RecordReceipt Receipt)>? waiters)
    {
        if (waiters is not null)
        {
            Interlocked.Add(ref _waiting, waiters.Count);
        }

        _notices.Writer.TryWrite(new Notice(startSize, entries, checkpoint, waiters));
    }

    /// <summary>No more commits: the stage proves what it can and fails the rest.</summary>
    public void Complete() => _notices.Writer.TryComplete();

    public async Task RunAsync()
    {
        await foreach (Notice notice in _notices.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (notice.Waiters is not null)
            {
                _pending.AddRange(notice.Waiters);
            }

            try
            {
                await FollowAsync(notice).ConfigureAwait(false);
                if (notice.Checkpoint is { } checkpoint && _pending.Count > 0)
                {
                    await ProveAsync(checkpoint).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // The entries are durable; only their proofs could not be built.
                _tree = null;
                FailPending(ProofFailed(ex));
            }
        }

        FailPending(new LedgerStoreException("The recorder stopped before a checkpoint covered these entries; they are recorded. Ask for their proofs with 'dledger proof inclusion --seq N'."));
    }

    private async Task FollowAsync(Notice notice)
    {
        if (_pending.Count == 0)
        {
            // Nobody waits: stop following; the next waiter reloads the tree where it needs it.
            _tree = null;
            return;
        }

        if (_tree is null || _tree.Size != notice.StartSize)
        {
            _tree = await LedgerTreeLoader.LoadAsync(store, notice.StartSize, CancellationToken.None).ConfigureAwait(false);
        }

        foreach (StoredEntry entry in notice.Entries)
        {
            _tree.Append(entry.LeafHash);
        }

        // The commit wrote these tiles already; proofs read them back from the store.
        _tree.TakeCompletedTiles();
    }

    private async Task ProveAsync(StoredCheckpoint checkpoint)
    {
        int kept = 0;
        for (int i = 0; i < _pending.Count; i++)
        {
            (EntryRequest request, RecordReceipt receipt) = _pending[i];
            if (receipt.Seq >= checkpoint.TreeSize)
            {
                _pending[kept++] = _pending[i];
                continue;
            }

            try
            {
                InclusionProof proof = await _tree!.ProveInclusionAsync(receipt.Seq, checkpoint.TreeSize, CancellationToken.None).ConfigureAwait(false);
                request.Complete(receipt with { Checkpoint = checkpoint.SignedNote, InclusionProof = proof });
            }
            catch (Exception ex)
            {
                request.Fail(ProofFailed(ex));
            }

            Interlocked.Decrement(ref _waiting);
        }

        _pending.RemoveRange(kept, _pending.Count - kept);
    }

    private static LedgerStoreException ProofFailed(Exception cause) =>
        new($"The entry is recorded, but its inclusion proof could not be built: {cause.Message} Ask for it with 'dledger proof inclusion --seq N'.", cause);

    private void FailPending(Exception error)
    {
        foreach ((EntryRequest request, _) in _pending)
        {
            request.Fail(error);
            Interlocked.Decrement(ref _waiting);
        }

        _pending.Clear();
    }

    private sealed record Notice(long StartSize, IReadOnlyList<StoredEntry> Entries, StoredCheckpoint? Checkpoint, List<(EntryRequest Request, RecordReceipt Receipt)>? Waiters);
}
