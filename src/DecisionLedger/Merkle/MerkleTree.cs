using System.Numerics;
using DecisionLedger.Hashing;

namespace DecisionLedger.Merkle;

/// <summary>
/// An append-only RFC 6962 / RFC 9162 Merkle tree over leaf hashes, stored as C2SP
/// <c>tlog-tiles</c>-style tiles, that produces inclusion and consistency proofs in O(log n) tile reads.
/// </summary>
/// <remarks>
/// <para>
/// Memory holds only the right edge: for each tile-level the partial tile being filled, with every
/// node its base hashes complete. Full tiles are handed to the caller with
/// <see cref="TakeCompletedTiles"/> (to persist in the transaction that appends their entries) and
/// read back from the <see cref="ITileStore"/> when a proof needs them. Completed tiles not yet taken
/// stay readable from a pending list.
/// </para>
/// <para>
/// Not thread-safe: the ledger's sequencer serializes every call (appends, proofs and flushes).
/// </para>
/// </remarks>
internal sealed class MerkleTree
{
    // Tree-levels 0..62 are all a long-sized tree can have; they fit in tile-levels 0..7.
    internal const int MaxTileLevels = 8;

    private readonly ITileStore _store;
    private readonly List<PartialTile> _partials = [];
    private readonly UnpersistedTiles _unpersisted = new();
    private readonly MerkleNodeReader _nodes;
    private readonly MerkleProofBuilder _proofs;

    private Sha256Hash _root;
    private bool _rootValid;

    private MerkleTree(ITileStore store)
    {
        _store = store;
        _partials.Add(new PartialTile(0));
        _nodes = new MerkleNodeReader(this, store, _unpersisted);
        _proofs = new MerkleProofBuilder(_nodes);
    }

    /// <summary>The number of leaves appended.</summary>
    public long Size { get; private set; }

    /// <summary>The root of the current tree; <see cref="MerkleHasher.EmptyRoot"/> when it is empty.</summary>
    /// <remarks>Computed from the right edge in memory (at most 63 hashes) and cached until the next append.</remarks>
    public Sha256Hash Root
    {
        get
        {
            if (!_rootValid)
            {
                _root = ComputeRoot();
                _rootValid = true;
            }

            return _root;
        }
    }

    /// <summary>Creates an empty tree whose full tiles will be read from <paramref name="store"/>.</summary>
    /// <param name="store">Where full tiles are read back from; the caller writes them (see <see cref="TakeCompletedTiles"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    public static MerkleTree CreateEmpty(ITileStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new MerkleTree(store);
    }

    /// <summary>
    /// Rebuilds the right edge of a tree of <paramref name="size"/> leaves whose full tiles are in
    /// <paramref name="store"/>, e.g. when a ledger reopens.
    /// </summary>
    /// <remarks>
    /// Reads only the full tiles whose tops are base hashes of a partial higher-level tile: at most
    /// 255 per tile-level above 0, typically far fewer.
    /// </remarks>
    /// <param name="store">The store holding every full tile of the tree.</param>
    /// <param name="size">The number of leaves.</param>
    /// <param name="tailLeafHashes">
    /// The leaf hashes of the trailing partial level-0 tile: leaves <c>size − size % 256</c> to
    /// <c>size − 1</c>, so exactly <c>size % 256</c> of them.
    /// </param>
    /// <param name="cancellationToken">Cancels the tile reads.</param>
    /// <returns>A tree equal to the original at <paramref name="size"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="tailLeafHashes"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="tailLeafHashes"/> does not hold <c>size % 256</c> hashes.</exception>
    /// <exception cref="InvalidOperationException">The store is missing a tile the tree needs.</exception>
    public static ValueTask<MerkleTree> RestoreAsync(
        ITileStore store,
        long size,
        IReadOnlyList<Sha256Hash> tailLeafHashes,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tailLeafHashes);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        long expected = size % Tile.Width;
        if (tailLeafHashes.Count != expected)
        {
            throw new ArgumentException(
                $"A tree of size {size} needs the {expected} leaf hashes of its trailing partial tile " +
                $"(leaves {size - expected} to {size - 1}); got {tailLeafHashes.Count}.",
                nameof(tailLeafHashes));
        }

        return RestoreCoreAsync(store, size, tailLeafHashes, cancellationToken);
    }

    private static async ValueTask<MerkleTree> RestoreCoreAsync(
        ITileStore store,
        long size,
        IReadOnlyList<Sha256Hash> tailLeafHashes,
        CancellationToken cancellationToken)
    {
        var tree = new MerkleTree(store);
        await RightEdgeLoader.LoadAsync(tree._partials, store, size, tailLeafHashes, cancellationToken).ConfigureAwait(false);
        tree.Size = size;
        return tree;
    }

    /// <summary>Appends one leaf hash: amortized O(1), at most one interior hash per node completed.</summary>
    /// <param name="leafHash">The leaf hash, <c>SHA-256(0x00 ‖ canonical bytes)</c>.</param>
    /// <exception cref="InvalidOperationException">The tree already holds <see cref="long.MaxValue"/> leaves.</exception>
    public void Append(Sha256Hash leafHash)
    {
        if (Size == long.MaxValue)
        {
            throw new InvalidOperationException("The tree is full: it cannot hold more than long.MaxValue leaves.");
        }

        _rootValid = false;
        Sha256Hash carry = leafHash;
        for (int tileLevel = 0; ; tileLevel++)
        {
            if (tileLevel == _partials.Count)
            {
                _partials.Add(new PartialTile(0));
            }

            PartialTile partial = _partials[tileLevel];
            if (!partial.Append(carry))
            {
                break;
            }

            // The tile is full: it becomes immutable and its top is the next base one tile-level up.
            var id = new TileId(tileLevel, partial.Index);
            Tile tile = partial.Complete();
            _unpersisted.Add(id, tile);
            carry = tile.Top;
        }

        Size++;
    }

    /// <summary>
    /// Returns the full tiles completed since the last call and forgets them; the caller must write
    /// them to the store (in the transaction that appends their entries) before asking for a proof.
    /// </summary>
    /// <returns>The completed tiles in completion order; empty when there are none.</returns>
    public IReadOnlyList<(TileId Id, Tile Tile)> TakeCompletedTiles() => _unpersisted.Take();

    /// <summary>Writes the completed tiles to the tree's own store (<see cref="TakeCompletedTiles"/> + write).</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    public ValueTask FlushCompletedTilesAsync(CancellationToken cancellationToken = default) =>
        _unpersisted.FlushAsync(_store, cancellationToken);

    /// <summary>Returns the root of the tree's first <paramref name="treeSize"/> leaves.</summary>
    /// <param name="treeSize">0 to <see cref="Size"/>.</param>
    /// <param name="cancellationToken">Cancels tile reads.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="treeSize"/> is outside 0 to <see cref="Size"/>.</exception>
    /// <exception cref="InvalidOperationException">The store is missing a tile the tree needs.</exception>
    public ValueTask<Sha256Hash> GetRootAsync(long treeSize, CancellationToken cancellationToken = default)
    {
        if (treeSize < 0 || treeSize > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(treeSize), treeSize, $"The tree size must be between 0 and the current size {Size}.");
        }

        if (treeSize == Size)
        {
            return new ValueTask<Sha256Hash>(Root);
        }

        return treeSize == 0
            ? new ValueTask<Sha256Hash>(MerkleHasher.EmptyRoot)
            : _proofs.FoldRangeAsync(0, treeSize, cancellationToken);
    }

    /// <summary>Returns the hash of leaf <paramref name="index"/>.</summary>
    /// <param name="index">0 to <see cref="Size"/> − 1.</param>
    /// <param name="cancellationToken">Cancels the tile read.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0 to <see cref="Size"/> − 1.</exception>
    /// <exception cref="InvalidOperationException">The store is missing the leaf's tile.</exception>
    public ValueTask<Sha256Hash> GetLeafHashAsync(long index, CancellationToken cancellationToken = default)
    {
        if (index < 0 || index >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, RangeMessage("leaf index", Size));
        }

        return _nodes.GetNodeAsync(0, index, cancellationToken);
    }

    /// <summary>Proves that leaf <paramref name="leafIndex"/> is in the tree of size <paramref name="treeSize"/> (RFC 9162 §2.1.3).</summary>
    /// <param name="leafIndex">0 to <paramref name="treeSize"/> − 1.</param>
    /// <param name="treeSize">1 to <see cref="Size"/>.</param>
    /// <param name="cancellationToken">Cancels tile reads.</param>
    /// <returns>The proof, with the leaf hash and one sibling hash per level where one exists.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range; the message states it.</exception>
    /// <exception cref="InvalidOperationException">The store is missing a tile the proof needs.</exception>
    public ValueTask<InclusionProof> ProveInclusionAsync(long leafIndex, long treeSize, CancellationToken cancellationToken = default)
    {
        if (treeSize < 1 || treeSize > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(treeSize), treeSize, Size == 0
                ? "The tree is empty: no leaf can be proven."
                : $"The tree size must be between 1 and the current size {Size}.");
        }

        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), leafIndex, RangeMessage("leaf index", treeSize));
        }

        return _proofs.ProveInclusionAsync(leafIndex, treeSize, cancellationToken);
    }

    /// <summary>Proves that the tree of size <paramref name="fromSize"/> is a prefix of the tree of size <paramref name="toSize"/> (RFC 9162 §2.1.4).</summary>
    /// <param name="fromSize">1 to <paramref name="toSize"/>; consistency from the empty tree is not defined.</param>
    /// <param name="toSize"><paramref name="fromSize"/> to <see cref="Size"/>.</param>
    /// <param name="cancellationToken">Cancels tile reads.</param>
    /// <returns>The proof; empty when the sizes are equal.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range; the message states it.</exception>
    /// <exception cref="InvalidOperationException">The store is missing a tile the proof needs.</exception>
    public ValueTask<ConsistencyProof> ProveConsistencyAsync(long fromSize, long toSize, CancellationToken cancellationToken = default)
    {
        if (toSize < 1 || toSize > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(toSize), toSize, Size == 0
                ? "The tree is empty: consistency proofs need at least one leaf."
                : $"The newer tree size must be between 1 and the current size {Size}.");
        }

        if (fromSize < 1 || fromSize > toSize)
        {
            throw new ArgumentOutOfRangeException(nameof(fromSize), fromSize, fromSize == 0
                ? $"A consistency proof from the empty tree is not defined (RFC 9162 §2.1.4); the older tree size must be between 1 and {toSize}."
                : $"The older tree size must be between 1 and the newer size {toSize}.");
        }

        if (fromSize == toSize)
        {
            return new ValueTask<ConsistencyProof>(new ConsistencyProof(fromSize, toSize, []));
        }

        return _proofs.ProveConsistencyAsync(fromSize, toSize, cancellationToken);
    }

    // The root from the right edge: every complete subtree in the decomposition of Size lies in
    // the partial tile of its tile-level, so no tile read is needed.
    private Sha256Hash ComputeRoot()
    {
        if (Size == 0)
        {
            return MerkleHasher.EmptyRoot;
        }

        long remaining = Size;
        bool first = true;
        Sha256Hash hash = default;
        while (remaining != 0)
        {
            int level = BitOperations.TrailingZeroCount(remaining);
            long index = (Size >> level) - 1;
            int levelInTile = level % Tile.Height;
            Sha256Hash node = _partials[level / Tile.Height].GetNode(levelInTile, (int)(index & ((Tile.Width >> levelInTile) - 1)));
            hash = first ? node : MerkleHasher.HashChildren(node, hash);
            first = false;
            remaining &= remaining - 1;
        }

        return hash;
    }

    private static string RangeMessage(string what, long count) =>
        count == 0 ? $"The tree is empty: there is no {what} to use." : $"The {what} must be between 0 and {count - 1}.";

    /// <summary>The partial tile on the right edge at <paramref name="tileLevel"/>.</summary>
    internal PartialTile RightEdge(int tileLevel) => _partials[tileLevel];

    // C# masks shift counts to 6 bits, so x >> 64 would be x; a shift past the width means zero here.
    internal static long ShiftRight(long value, int bits) => bits >= 63 ? 0 : value >> bits;
}
