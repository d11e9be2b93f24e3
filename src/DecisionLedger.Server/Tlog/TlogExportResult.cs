namespace DecisionLedger.Server.Tlog;

/// <summary>What <see cref="TlogExport.WriteAsync"/> wrote.</summary>
/// <param name="TreeSize">The size of the checkpoint the tiles are of.</param>
/// <param name="HashTiles">The hash tiles written, full and partial, over every level.</param>
/// <param name="EntryBundles">The entry bundles written, full and partial.</param>
/// <param name="RefusedBundles">
/// One sentence per entry bundle not written because an entry is longer than the 65,535 bytes its uint16 length
/// prefix can carry; empty when every bundle was written.
/// </param>
public sealed record TlogExportResult(long TreeSize, long HashTiles, long EntryBundles, IReadOnlyList<string> RefusedBundles);
