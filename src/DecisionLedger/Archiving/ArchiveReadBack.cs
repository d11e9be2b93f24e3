using System.Security.Cryptography;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Archiving;

/// <summary>
/// Reads a written archive file and its manifest back from the destination and checks them against
/// what was meant and against the live tiles: digest, manifest signature, row count, seqs, and each
/// row's leaf hash against the level-0 tile that holds it.
/// </summary>
internal static class ArchiveReadBack
{
    /// <exception cref="ArchiveReadBackException">Anything differs; the message names the file and the seq.</exception>
    public static async Task CheckAsync(
        IArchiveDestination destination,
        ArchiveManifest expected,
        IReadOnlyList<ArchiveRow> rows,
        NoteVerifier verifier,
        ITileStore tiles,
        CancellationToken cancellationToken)
    {
        string file = expected.File;
        byte[] bytes = await ReadAllAsync(destination, file, cancellationToken).ConfigureAwait(false)
            ?? throw new ArchiveReadBackException(file, $"{file}: missing from {destination.Describe()} right after it was written.");
        string digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(digest, expected.Sha256, StringComparison.Ordinal))
        {
            throw new ArchiveReadBackException(file, $"{file}: read back with SHA-256 {digest}, written with {expected.Sha256}; the destination altered or truncated it.");
        }

        byte[] note = await ReadAllAsync(destination, ArchivePaths.ManifestPath(file), cancellationToken).ConfigureAwait(false)
            ?? throw new ArchiveReadBackException(file, $"{ArchivePaths.ManifestPath(file)}: missing from {destination.Describe()} right after it was written.");
        ArchiveManifest manifest;
        try
        {
            manifest = ArchiveManifestNote.Open(System.Text.Encoding.UTF8.GetString(note), verifier);
        }
        catch (NoteVerificationException e)
        {
            throw new ArchiveReadBackException(file, $"{ArchivePaths.ManifestPath(file)}: does not verify with the ledger key: {e.Message}", e);
        }

        if (manifest != expected)
        {
            throw new ArchiveReadBackException(file, $"{ArchivePaths.ManifestPath(file)}: read back different from what was signed.");
        }

        IReadOnlyList<ArchiveRow> read;
        try
        {
            read = await ArchiveParquetReader.ReadAsync(new MemoryStream(bytes, writable: false), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new ArchiveReadBackException(file, $"{file}: {e.Message}", e);
        }

        if (read.Count != rows.Count)
        {
            throw new ArchiveReadBackException(file, $"{file}: read back {read.Count} rows, wrote {rows.Count}.");
        }

        Tile? tile = null;
        long tileIndex = -1;
        for (int i = 0; i < read.Count; i++)
        {
            ArchiveRow row = read[i];
            if (row.Seq != rows[i].Seq || !row.Entry.AsSpan().SequenceEqual(rows[i].Entry))
            {
                throw new ArchiveReadBackException(file, $"{file}: row {i} reads back as seq {row.Seq}, written as seq {rows[i].Seq} with other bytes.");
            }

            if (row.Seq / Tile.Width != tileIndex)
            {
                tileIndex = row.Seq / Tile.Width;
                tile = await tiles.ReadTileAsync(new TileId(0, tileIndex), cancellationToken).ConfigureAwait(false)
                    ?? throw new ArchiveReadBackException(file, $"{file}: seq {row.Seq} has no stored level-0 tile {tileIndex} to check its leaf against; nothing is removed.");
            }

            Sha256Hash leaf = ArchiveLeaves.Leaf(row);
            if (leaf != tile!.GetNode(0, (int)(row.Seq % Tile.Width)))
            {
                throw new ArchiveReadBackException(file, $"{file}: the leaf hash of seq {row.Seq} differs from the live tree's; nothing is removed. Run 'dledger verify'.");
            }
        }
    }

    private static async Task<byte[]?> ReadAllAsync(IArchiveDestination destination, string path, CancellationToken cancellationToken)
    {
        Stream? stream = await destination.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }
}
