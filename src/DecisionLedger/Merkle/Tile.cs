using DecisionLedger.Hashing;

namespace DecisionLedger.Merkle;

/// <summary>
/// A full tile in the C2SP <c>tlog-tiles</c> layout (height 8): the 256 base hashes of one
/// tree-level-<c>8L</c> span, the interior nodes of levels <c>8L+1</c> to <c>8L+7</c> above them,
/// and the <see cref="Top"/> node of level <c>8L+8</c>.
/// </summary>
/// <remarks>
/// Only the 256 base hashes are persisted (<see cref="WriteBase"/>, exactly a <c>tlog-tiles</c>
/// tile file); the interior is kept in memory so a proof reads nodes without hashing. Nodes are
/// stored level by level in one array: level <c>l</c> starts at <c>512 − (512 &gt;&gt; l)</c>.
/// Instances are immutable.
/// </remarks>
public sealed class Tile
{
    /// <summary>The number of tree levels a tile spans (8).</summary>
    public const int Height = 8;

    /// <summary>The number of base hashes in a full tile (256).</summary>
    public const int Width = 1 << Height;

    /// <summary>The size in bytes of a persisted tile: 256 hashes of 32 bytes (8192).</summary>
    public const int BaseByteLength = Width * Sha256Hash.Size;

    /// <summary>Base and interior hashes, levels 0 to 7 (510).</summary>
    public const int InteriorNodeCount = (2 * Width) - 2;

    // Levels 0..7 plus the top (level 8) at the end.
    internal const int NodeCount = InteriorNodeCount + 1;

    private readonly Sha256Hash[] _nodes;

    // Takes ownership of a fully computed node array (length NodeCount); the append path uses it so a
    // completed tile costs no copy and no re-hashing.
    internal Tile(Sha256Hash[] nodes)
    {
        _nodes = nodes;
    }

    /// <summary>The node of tree-level <c>8L+8</c> above this tile: the hash of its two level-7 nodes.</summary>
    public Sha256Hash Top => _nodes[NodeCount - 1];

    /// <summary>Builds a tile from its 256 base hashes, computing the 255 nodes above them.</summary>
    /// <param name="baseHashes">Exactly 256 hashes of tree-level <c>8L</c>, left to right.</param>
    /// <exception cref="ArgumentException"><paramref name="baseHashes"/> does not hold 256 hashes.</exception>
    public static Tile FromBaseHashes(ReadOnlySpan<Sha256Hash> baseHashes)
    {
        if (baseHashes.Length != Width)
        {
            throw new ArgumentException($"A full tile has {Width} base hashes; got {baseHashes.Length}. Partial tiles are never stored.", nameof(baseHashes));
        }

        var nodes = new Sha256Hash[NodeCount];
        baseHashes.CopyTo(nodes);
        ComputeLevels(nodes, 1);
        return new Tile(nodes);
    }

    /// <summary>Builds a tile from its persisted form (a <c>tlog-tiles</c> tile file), computing the interior.</summary>
    /// <param name="baseBytes">Exactly 8192 bytes: 256 concatenated 32-byte hashes.</param>
    /// <exception cref="ArgumentException"><paramref name="baseBytes"/> is not 8192 bytes long.</exception>
    public static Tile FromBaseBytes(ReadOnlySpan<byte> baseBytes)
    {
        if (baseBytes.Length != BaseByteLength)
        {
            throw new ArgumentException($"A full tile is {BaseByteLength} bytes ({Width} hashes of {Sha256Hash.Size} bytes); got {baseBytes.Length}.", nameof(baseBytes));
        }

        var nodes = new Sha256Hash[NodeCount];
        for (int i = 0; i < Width; i++)
        {
            nodes[i] = Sha256Hash.FromBytes(baseBytes.Slice(i * Sha256Hash.Size, Sha256Hash.Size));
        }

        ComputeLevels(nodes, 1);
        return new Tile(nodes);
    }

    /// <summary>
    /// Builds a tile from already computed nodes without re-hashing them (only <see cref="Top"/> is hashed).
    /// </summary>
    /// <param name="nodes">
    /// The 510 nodes level by level: the 256 base hashes, then the 128 of level 1, … , then the 2 of level 7.
    /// They are trusted, not checked.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="nodes"/> does not hold 510 hashes.</exception>
    public static Tile FromNodes(ReadOnlySpan<Sha256Hash> nodes)
    {
        if (nodes.Length != InteriorNodeCount)
        {
            throw new ArgumentException($"A tile has {InteriorNodeCount} nodes in levels 0 to 7; got {nodes.Length}.", nameof(nodes));
        }

        var copy = new Sha256Hash[NodeCount];
        nodes.CopyTo(copy);
        ComputeLevels(copy, Height);
        return new Tile(copy);
    }

    /// <summary>Returns one node of the tile.</summary>
    /// <param name="levelInTile">0 for base hashes up to 7; 8 returns <see cref="Top"/>.</param>
    /// <param name="indexInTile">The node's position within its level: 0 to <c>(256 &gt;&gt; levelInTile) − 1</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate lies outside the tile.</exception>
    public Sha256Hash GetNode(int levelInTile, int indexInTile)
    {
        if ((uint)levelInTile > Height)
        {
            throw new ArgumentOutOfRangeException(nameof(levelInTile), levelInTile, $"The level within a tile must be between 0 and {Height}.");
        }

        int width = Width >> levelInTile;
        if ((uint)indexInTile >= (uint)width)
        {
            throw new ArgumentOutOfRangeException(nameof(indexInTile), indexInTile, $"Level {levelInTile} of a tile has {width} nodes; the index must be between 0 and {width - 1}.");
        }

        return _nodes[LevelOffset(levelInTile) + indexInTile];
    }

    /// <summary>Writes the 256 base hashes (8192 bytes), exactly as a <c>tlog-tiles</c> tile file.</summary>
    /// <param name="destination">At least 8192 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 8192 bytes.</exception>
    public void WriteBase(Span<byte> destination)
    {
        if (destination.Length < BaseByteLength)
        {
            throw new ArgumentException($"The destination must hold {BaseByteLength} bytes; it holds {destination.Length}.", nameof(destination));
        }

        for (int i = 0; i < Width; i++)
        {
            _nodes[i].CopyTo(destination.Slice(i * Sha256Hash.Size, Sha256Hash.Size));
        }
    }

    /// <summary>Returns the persisted form: a new 8192-byte buffer with the 256 base hashes.</summary>
    public ReadOnlyMemory<byte> GetBaseBytes()
    {
        byte[] bytes = new byte[BaseByteLength];
        WriteBase(bytes);
        return bytes;
    }

    /// <summary>Whether <paramref name="other"/> has the same 256 base hashes (and therefore the same nodes).</summary>
    /// <param name="other">The tile to compare with.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public bool BaseEquals(Tile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _nodes.AsSpan(0, Width).SequenceEqual(other._nodes.AsSpan(0, Width));
    }

    // No bounds checks beyond the array's: MerkleTree computes coordinates it has already validated.
    internal Sha256Hash GetNodeUnchecked(int levelInTile, int indexInTile) => _nodes[LevelOffset(levelInTile) + indexInTile];

    internal static int LevelOffset(int levelInTile) => (2 * Width) - ((2 * Width) >> levelInTile);

    // Fills levels fromLevel..8 from the level below each.
    private static void ComputeLevels(Sha256Hash[] nodes, int fromLevel)
    {
        for (int level = fromLevel; level <= Height; level++)
        {
            int below = LevelOffset(level - 1);
            int here = LevelOffset(level);
            int width = Width >> level;
            for (int i = 0; i < width; i++)
            {
                nodes[here + i] = MerkleHasher.HashChildren(nodes[below + (2 * i)], nodes[below + (2 * i) + 1]);
            }
        }
    }
}
