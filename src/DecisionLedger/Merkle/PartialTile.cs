using DecisionLedger.Hashing;

namespace DecisionLedger.Merkle;

/// <summary>
/// The tile on the right edge of one tile-level while it fills up: its base hashes so far and
/// every interior node they complete, each computed exactly once.
/// </summary>
internal sealed class PartialTile
{
    private Sha256Hash[] _nodes = new Sha256Hash[Tile.NodeCount];

    public PartialTile(long index)
    {
        Index = index;
    }

    /// <summary>The tile's index within its tile-level.</summary>
    public long Index { get; private set; }

    /// <summary>The number of base hashes held (0 to 255 between appends).</summary>
    public int Count { get; private set; }

    /// <summary>Adds a base hash and the nodes it completes; returns true when the tile became full.</summary>
    public bool Append(in Sha256Hash hash)
    {
        int position = Count;
        _nodes[position] = hash;
        Count = position + 1;

        // Each odd position closes a pair: hash it into the parent, and keep climbing while the
        // parent is itself a right child. Amortized one hash per base.
        Sha256Hash node = hash;
        int level = 0;
        while ((position & 1) == 1)
        {
            node = MerkleHasher.HashChildren(_nodes[Tile.LevelOffset(level) + position - 1], node);
            level++;
            position >>= 1;
            _nodes[Tile.LevelOffset(level) + position] = node;
        }

        return Count == Tile.Width;
    }

    /// <summary>Hands the full node array over to an immutable <see cref="Tile"/> and starts the next tile.</summary>
    public Tile Complete()
    {
        var tile = new Tile(_nodes);
        _nodes = new Sha256Hash[Tile.NodeCount];
        Count = 0;
        Index++;
        return tile;
    }

    /// <summary>A node the caller knows to be complete.</summary>
    public Sha256Hash GetNode(int levelInTile, int indexInTile) => _nodes[Tile.LevelOffset(levelInTile) + indexInTile];
}
