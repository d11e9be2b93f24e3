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
public sealed class MerkleTree
{
    // Tree-levels 0..62 are all a long-sized tree can have; they fit in tile-levels 0..7.
    private const int MaxTileLevels = 8;

    private readonly ITileStore _store;
    private readonly List<PartialTile> _partials = [];
    private readonly Dictionary<TileId, Tile> _pending = [];
    private readonly List<(TileId Id, Tile Tile)> _completed = [];

    // The last full tile read per tile-level: consecutive path nodes mostly share a tile, and full
    // tiles are immutable, so the cache never goes stale.
    private readonly Tile?[] _cachedTiles = new Tile?[MaxTileLevels];
    private readonly long[] _cachedTileIndexes = new long[MaxTileLevels];

    private Sha256Hash _root;
    private bool _rootValid;

    private MerkleTree(ITileStore store)
    {
        _store = store;
        _partials.Add(new PartialTile(0));
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
        tree._partials.Clear();
        for (int tileLevel = 0; tileLevel < MaxTileLevels; tileLevel++)
        {
            long nodesAtLevel = ShiftRight(size, tileLevel * Tile.Height);
            if (tileLevel > 0 && nodesAtLevel == 0)
            {
                break;
            }

            var partial = new PartialTile(nodesAtLevel / Tile.Width);
            int count = (int)(nodesAtLevel % Tile.Width);
            if (tileLevel == 0)
            {
                for (int i = 0; i < count; i++)
                {
                    partial.Append(tailLeafHashes[i]);
                }
            }
            else
            {
                // The bases of a partial tile at this level are the tops of full tiles one level down.
                long firstChild = partial.Index * Tile.Width;
                for (int i = 0; i < count; i++)
                {
                    var id = new TileId(tileLevel - 1, firstChild + i);
                    Tile child = await store.ReadTileAsync(id, cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException(
                            $"Cannot restore a tree of size {size}: tile {id} is missing from the tile store. " +
                            "The store must hold every full tile of the tree; were the completed tiles persisted with their entries?");
                    partial.Append(child.Top);
                }
            }

            tree._partials.Add(partial);
        }

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
            _pending.Add(id, tile);
            _completed.Add((id, tile));
            carry = tile.Top;
        }

        Size++;
    }

    /// <summary>
    /// Returns the full tiles completed since the last call and forgets them; the caller must write
    /// them to the store (in the transaction that appends their entries) before asking for a proof.
    /// </summary>
    /// <returns>The completed tiles in completion order; empty when there are none.</returns>
    public IReadOnlyList<(TileId Id, Tile Tile)> TakeCompletedTiles()
    {
        if (_completed.Count == 0)
        {
            return [];
        }

        (TileId Id, Tile Tile)[] tiles = [.. _completed];
        _completed.Clear();
        _pending.Clear();
        return tiles;
    }

    /// <summary>Writes the completed tiles to the tree's own store (<see cref="TakeCompletedTiles"/> + write).</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async ValueTask FlushCompletedTilesAsync(CancellationToken cancellationToken = default)
    {
        if (_completed.Count == 0)
        {
            return;
        }

        // Write before forgetting, so a failed write leaves the tiles pending and readable.
        (TileId Id, Tile Tile)[] tiles = [.. _completed];
        await _store.WriteTilesAsync(tiles, cancellationToken).ConfigureAwait(false);
        _completed.Clear();
        _pending.Clear();
    }

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
            : FoldRangeAsync(0, treeSize, cancellationToken);
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

        return GetNodeAsync(0, index, cancellationToken);
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

        return ProveInclusionCoreAsync(leafIndex, treeSize, cancellationToken);
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

        return ProveConsistencyCoreAsync(fromSize, toSize, cancellationToken);
    }

    private async ValueTask<InclusionProof> ProveInclusionCoreAsync(long leafIndex, long treeSize, CancellationToken cancellationToken)
    {
        Sha256Hash leafHash = await GetNodeAsync(0, leafIndex, cancellationToken).ConfigureAwait(false);
        var hashes = new List<Sha256Hash>(64 - BitOperations.LeadingZeroCount((ulong)(treeSize - 1)));
        await AddPathAsync(hashes, 0, leafIndex, treeSize, cancellationToken).ConfigureAwait(false);
        return new InclusionProof(leafIndex, treeSize, leafHash, hashes);
    }

    private async ValueTask<ConsistencyProof> ProveConsistencyCoreAsync(long fromSize, long toSize, CancellationToken cancellationToken)
    {
        // The old tree's last complete subtree: the node at level k = trailing zeros of fromSize
        // that ends at leaf fromSize − 1. When fromSize is a power of two that node is the old
        // root itself, which the verifier already holds, so it is omitted.
        int level = BitOperations.TrailingZeroCount(fromSize);
        long node = (fromSize >> level) - 1;
        var hashes = new List<Sha256Hash>(65 - BitOperations.LeadingZeroCount((ulong)(toSize - 1)));
        if (node != 0)
        {
            hashes.Add(await GetNodeAsync(level, node, cancellationToken).ConfigureAwait(false));
        }

        await AddPathAsync(hashes, level, node, toSize, cancellationToken).ConfigureAwait(false);
        return new ConsistencyProof(fromSize, toSize, hashes);
    }

    // Appends the siblings of the path from node (level, index) to the root of the tree of
    // treeSize leaves, bottom-up, skipping levels where the node has no sibling (RFC 9162 PATH).
    private async ValueTask AddPathAsync(List<Sha256Hash> hashes, int level, long node, long treeSize, CancellationToken cancellationToken)
    {
        long last = (treeSize - 1) >> level;
        while (last > 0)
        {
            if ((node & 1) == 1)
            {
                hashes.Add(await GetNodeAsync(level, node - 1, cancellationToken).ConfigureAwait(false));
            }
            else if (node < last)
            {
                // The right sibling may be the incomplete right border of the tree at treeSize.
                long start = (node + 1) << level;
                long end = Math.Min(treeSize, start + (1L << level));
                hashes.Add(await FoldRangeAsync(start, end, cancellationToken).ConfigureAwait(false));
            }

            node >>= 1;
            last >>= 1;
            level++;
        }
    }

    // The Merkle Tree Hash of leaves [start, end), where start is aligned to the largest complete
    // subtree in the range: fold its complete subtrees right to left (the smallest is rightmost).
    private async ValueTask<Sha256Hash> FoldRangeAsync(long start, long end, CancellationToken cancellationToken)
    {
        long remaining = end - start;
        long position = end;
        int level = BitOperations.TrailingZeroCount(remaining);
        position -= 1L << level;
        Sha256Hash hash = await GetNodeAsync(level, position >> level, cancellationToken).ConfigureAwait(false);
        remaining &= remaining - 1;
        while (remaining != 0)
        {
            level = BitOperations.TrailingZeroCount(remaining);
            position -= 1L << level;
            Sha256Hash left = await GetNodeAsync(level, position >> level, cancellationToken).ConfigureAwait(false);
            hash = MerkleHasher.HashChildren(left, hash);
            remaining &= remaining - 1;
        }

        return hash;
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

    // A complete node (level, index): from the partial tile on the right edge, the pending list, the
    // per-level cache or the store. Synchronous whenever the store answers synchronously.
    private ValueTask<Sha256Hash> GetNodeAsync(int level, long index, CancellationToken cancellationToken)
    {
        int tileLevel = level / Tile.Height;
        int levelInTile = level % Tile.Height;
        long tileIndex = index >> (Tile.Height - levelInTile);
        int indexInTile = (int)(index & ((Tile.Width >> levelInTile) - 1));

        // Tile (t, N) is full when the tree has (N + 1) × 256 nodes at tree-level 8t.
        if (tileIndex >= ShiftRight(Size, (tileLevel + 1) * Tile.Height))
        {
            return new ValueTask<Sha256Hash>(_partials[tileLevel].GetNode(levelInTile, indexInTile));
        }

        if (_cachedTiles[tileLevel] is { } cached && _cachedTileIndexes[tileLevel] == tileIndex)
        {
            return new ValueTask<Sha256Hash>(cached.GetNodeUnchecked(levelInTile, indexInTile));
        }

        var id = new TileId(tileLevel, tileIndex);
        if (_pending.TryGetValue(id, out Tile? pending))
        {
            return new ValueTask<Sha256Hash>(Remember(id, pending).GetNodeUnchecked(levelInTile, indexInTile));
        }

        ValueTask<Tile?> read = _store.ReadTileAsync(id, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            Tile tile = read.Result ?? throw MissingTile(id);
            return new ValueTask<Sha256Hash>(Remember(id, tile).GetNodeUnchecked(levelInTile, indexInTile));
        }

        return AwaitNodeAsync(read, id, levelInTile, indexInTile);
    }

    private async ValueTask<Sha256Hash> AwaitNodeAsync(ValueTask<Tile?> read, TileId id, int levelInTile, int indexInTile)
    {
        Tile tile = await read.ConfigureAwait(false) ?? throw MissingTile(id);
        return Remember(id, tile).GetNodeUnchecked(levelInTile, indexInTile);
    }

    private Tile Remember(TileId id, Tile tile)
    {
        _cachedTiles[id.Level] = tile;
        _cachedTileIndexes[id.Level] = id.Index;
        return tile;
    }

    private InvalidOperationException MissingTile(TileId id) => new(
        $"Tile {id} is missing from the tile store, but the tree of size {Size} needs it. " +
        "Completed tiles must be written to the store (TakeCompletedTiles or FlushCompletedTilesAsync) before proofs are asked for.");

    private static string RangeMessage(string what, long count) =>
        count == 0 ? $"The tree is empty: there is no {what} to use." : $"The {what} must be between 0 and {count - 1}.";

    // C# masks shift counts to 6 bits, so x >> 64 would be x; a shift past the width means zero here.
    private static long ShiftRight(long value, int bits) => bits >= 63 ? 0 : value >> bits;
}
