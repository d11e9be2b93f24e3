using DecisionLedger.Storage;

namespace DecisionLedger.Server.Tlog;

/// <summary>
/// Writes a ledger in the C2SP <c>tlog-tiles</c> layout as static files (<c>checkpoint</c>, <c>tile/…</c>), exactly
/// what <c>/tlog/</c> of <c>dledger serve</c> answers, so a plain static-file server can mirror the log.
/// </summary>
public static class TlogExport
{
    /// <summary>
    /// Writes the newest checkpoint, every full hash tile and the right-edge partial tile of each level, and the
    /// entry bundles, into <paramref name="directory"/>. The checkpoint is written last, so a mirror serving the
    /// directory while it is written never shows a checkpoint whose tiles are missing. Writing again into the same
    /// directory brings it up to date (full tiles are rewritten with the same bytes; older partial tiles stay, as
    /// the spec allows).
    /// </summary>
    /// <param name="log">The ledger's log.</param>
    /// <param name="directory">The output directory; created if missing.</param>
    /// <param name="progress">Receives the number of tiles and bundles written so far; optional.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The tree size exported and what was written.</returns>
    /// <exception cref="InvalidOperationException">The ledger has no checkpoint yet, or the store lacks a tile (damage).</exception>
    public static async Task<TlogExportResult> WriteAsync(ILedgerLog log, string directory, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(directory);
        StoredCheckpoint checkpoint = await log.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("checkpoint: the ledger has none yet, so there is no tree to export; sign one first (dledger checkpoint --new).");
        long size = checkpoint.TreeSize;
        Directory.CreateDirectory(directory);

        long hashTiles = 0;
        long bundles = 0;
        var refused = new List<string>();
        for (int level = 0; level < 8; level++)
        {
            long nodes = size >> (level * 8);
            if (nodes == 0)
            {
                break;
            }

            foreach (TlogTile tile in TilesOfLevel(level, nodes))
            {
                byte[] bytes = await TlogTileReader.ReadAsync(log, tile, size, null, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"{tile.Path}: not readable for tree size {size}.");
                await WriteFileAsync(directory, tile.Path, bytes, cancellationToken).ConfigureAwait(false);
                progress?.Report(++hashTiles + bundles);
            }
        }

        foreach (TlogTile tile in TilesOfLevel(TlogTile.EntriesLevel, size))
        {
            try
            {
                byte[] bytes = await TlogTileReader.ReadAsync(log, tile, size, null, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"{tile.Path}: not readable for tree size {size}.");
                await WriteFileAsync(directory, tile.Path, bytes, cancellationToken).ConfigureAwait(false);
                progress?.Report(hashTiles + ++bundles);
            }
            catch (TlogEntryTooLargeException exception)
            {
                refused.Add(exception.Message);
            }
        }

        await WriteFileAsync(directory, "checkpoint", System.Text.Encoding.UTF8.GetBytes(checkpoint.SignedNote), cancellationToken).ConfigureAwait(false);
        return new TlogExportResult(size, hashTiles, bundles, refused);
    }

    // The full tiles of a level holding `nodes` hashes, then its partial right edge when there is one.
    private static IEnumerable<TlogTile> TilesOfLevel(int level, long nodes)
    {
        long full = nodes / TlogTile.FullWidth;
        for (long index = 0; index < full; index++)
        {
            yield return new TlogTile(level, index, TlogTile.FullWidth);
        }

        int rest = (int)(nodes % TlogTile.FullWidth);
        if (rest > 0)
        {
            yield return new TlogTile(level, full, rest);
        }
    }

    // Through a temporary file and a rename, so a mirror never serves half a file.
    private static async Task WriteFileAsync(string directory, string relativePath, byte[] bytes, CancellationToken cancellationToken)
    {
        string path = Path.Combine(directory, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}
