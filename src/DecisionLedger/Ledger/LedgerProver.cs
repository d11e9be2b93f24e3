using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Ledger;

/// <summary>
/// Answers proof requests from a store: inclusion of an entry in a checkpointed tree and
/// consistency between two tree sizes. It keeps one restored tree and catches it up with
/// the store's new leaves, so a proof costs O(log n) tile reads.
/// </summary>
public sealed class LedgerProver : IDisposable
{
    private readonly ILedgerStore _store;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MerkleTree? _tree;

    /// <summary>Creates a prover over an opened store.</summary>
    public LedgerProver(ILedgerStore store)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <summary>
    /// Proves entry <paramref name="seq"/> is in the tree of <paramref name="treeSize"/> entries
    /// (default: the newest checkpoint's size).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">seq or treeSize is outside the ledger, or no checkpoint exists yet.</exception>
    public async ValueTask<InclusionProof> ProveInclusionAsync(long seq, long? treeSize = null, CancellationToken cancellationToken = default)
    {
        long size = await ResolveSizeAsync(treeSize, cancellationToken).ConfigureAwait(false);
        if (seq < 0 || seq >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(seq), seq, $"seq: must be in [0, {size}) for a tree of {size} entries.");
        }

        return await WithTreeAsync(size, (tree, ct) => tree.ProveInclusionAsync(seq, size, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Proves the tree of <paramref name="fromSize"/> entries is a prefix of the tree of <paramref name="toSize"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are not 0 &lt; from ≤ to ≤ ledger size.</exception>
    public async ValueTask<ConsistencyProof> ProveConsistencyAsync(long fromSize, long toSize, CancellationToken cancellationToken = default)
    {
        long size = await _store.GetSizeAsync(cancellationToken).ConfigureAwait(false);
        if (toSize > size)
        {
            throw new ArgumentOutOfRangeException(nameof(toSize), toSize, $"to: must be at most the ledger size {size}.");
        }

        return await WithTreeAsync(toSize, (tree, ct) => tree.ProveConsistencyAsync(fromSize, toSize, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the Merkle root of the first <paramref name="treeSize"/> entries.</summary>
    public ValueTask<Sha256Hash> GetRootAsync(long treeSize, CancellationToken cancellationToken = default) =>
        WithTreeAsync(treeSize, (tree, ct) => tree.GetRootAsync(treeSize, ct), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async ValueTask<long> ResolveSizeAsync(long? treeSize, CancellationToken cancellationToken)
    {
        if (treeSize is { } explicitSize)
        {
            return explicitSize;
        }

        StoredCheckpoint checkpoint = await _store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentOutOfRangeException(nameof(treeSize), "The ledger has no checkpoint yet; record decisions and run 'dledger checkpoint --new', or pass --tree-size.");
        return checkpoint.TreeSize;
    }

    private async ValueTask<T> WithTreeAsync<T>(long needed, Func<MerkleTree, CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            MerkleTree tree = await CatchUpAsync(needed, cancellationToken).ConfigureAwait(false);
            return await action(tree, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<MerkleTree> CatchUpAsync(long needed, CancellationToken cancellationToken)
    {
        long storeSize = await _store.GetSizeAsync(cancellationToken).ConfigureAwait(false);
        if (needed > storeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(needed), needed, $"tree size: must be at most the ledger size {storeSize}.");
        }

        if (_tree is null || _tree.Size > storeSize)
        {
            _tree = await LedgerTreeLoader.LoadAsync(_store, storeSize, cancellationToken).ConfigureAwait(false);
            return _tree;
        }

        if (_tree.Size < needed)
        {
            // The writer persisted the tiles these leaves complete; only the right edge is rebuilt here.
            IReadOnlyList<Sha256Hash> leaves = await _store.ReadLeafHashesAsync(_tree.Size, storeSize, cancellationToken).ConfigureAwait(false);
            foreach (Sha256Hash leaf in leaves)
            {
                _tree.Append(leaf);
            }

            _tree.TakeCompletedTiles();
        }

        return _tree;
    }
}
