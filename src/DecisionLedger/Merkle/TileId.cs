namespace DecisionLedger.Merkle;

/// <summary>
/// Names one tile in the C2SP <c>tlog-tiles</c> layout: tile-level <paramref name="Level"/> holds
/// the nodes of tree-level <c>8 × Level</c>, and tile <paramref name="Index"/> holds nodes
/// <c>Index × 256</c> to <c>Index × 256 + 255</c> of that tree-level.
/// </summary>
/// <param name="Level">The tile-level (0 for the tiles whose base hashes are leaf hashes).</param>
/// <param name="Index">The position of the tile within its tile-level, from 0.</param>
public readonly record struct TileId(int Level, long Index);
