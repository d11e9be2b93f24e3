using System.Security.Cryptography;
using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;

namespace DecisionLedger.Verification;

/// <summary>
/// Checks archive files offline, with only the ledger's public key (<c>dledger verify --archive</c>):
/// each file's signed manifest, its SHA-256, row count, seq range and order, every row's entry
/// (readable, canonical, its own seq, its query columns, its held input against the entry's
/// <c>inputDigest</c>) and the rows' <c>leavesRoot</c>; with a tiles directory from
/// <c>dledger export --tiles</c>, also every row's leaf against the level-0 tiles, whose root must be
/// the root of the signed checkpoint there.
/// </summary>
/// <remarks>
/// Without the ledger, nothing says which files should exist: a missing file is found by
/// <c>dledger verify</c> against the ledger's <c>archived</c> events, not here.
/// </remarks>
public sealed class ArchiveFileVerifier
{
    private readonly TimeProvider _time;

    /// <summary>Creates a verifier.</summary>
    /// <param name="timeProvider">Measures <see cref="VerificationReport.Elapsed"/>; default <see cref="TimeProvider.System"/>.</param>
    public ArchiveFileVerifier(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Verifies the archive files of <paramref name="destination"/>, or only <paramref name="file"/>.</summary>
    /// <param name="destination">Where the files are.</param>
    /// <param name="file">One file's path in the destination, or null for every <c>.parquet</c> file.</param>
    /// <param name="verifier">The ledger's verifier key, from a source the auditor trusts.</param>
    /// <param name="tilesDirectory">A directory written by <c>dledger export --tiles</c>, or null to skip the leaf check.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The report: rows verified, the tiles' checkpoint, and the first finding naming file and seq.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="FileNotFoundException"><paramref name="file"/> is not in the destination, the destination holds no archive file, or the tiles directory has no checkpoint.</exception>
    public async Task<VerificationReport> VerifyAsync(IArchiveDestination destination, string? file, NoteVerifier verifier, string? tilesDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(verifier);
        long started = _time.GetTimestamp();
        List<string> files = file is not null ? [file] : await ListAsync(destination, cancellationToken).ConfigureAwait(false);
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"{destination.Describe()} holds no archive file (*{ArchivePaths.FileExtension}); pass the directory 'dledger archive' wrote to, or one of its files.");
        }

        TileLeaves? tiles = null;
        long rows = 0;
        long inputs = 0;
        if (tilesDirectory is not null)
        {
            (tiles, TamperFinding? tileFinding) = await TileLeaves.LoadAsync(tilesDirectory, verifier, cancellationToken).ConfigureAwait(false);
            if (tileFinding is not null)
            {
                return Report(tileFinding, rows, inputs, tiles, started);
            }
        }

        foreach (string path in files)
        {
            var check = new ArchiveFileCheck(destination, path, verifier, tiles);
            TamperFinding? finding = await check.RunAsync(cancellationToken).ConfigureAwait(false);
            rows += check.RowsVerified;
            inputs += check.InputsVerified;
            if (finding is not null)
            {
                return Report(finding, rows, inputs, tiles, started);
            }
        }

        return Report(null, rows, inputs, tiles, started);
    }

    private VerificationReport Report(TamperFinding? finding, long rows, long inputs, TileLeaves? tiles, long started) =>
        new(finding is null, rows, tiles is null ? 0 : 1, inputs, tiles?.Checkpoint.Size ?? 0, tiles?.Checkpoint.RootHash, finding, _time.GetElapsedTime(started));

    private static async Task<List<string>> ListAsync(IArchiveDestination destination, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        await foreach (string path in destination.ListAsync(string.Empty, cancellationToken).ConfigureAwait(false))
        {
            if (path.EndsWith(ArchivePaths.FileExtension, StringComparison.Ordinal))
            {
                files.Add(path);
            }
        }

        // By first seq, so the first finding is the lowest one a reader meets.
        return [.. files.OrderBy(p => ArchiveCatalog.SpanOf(p, long.MaxValue, long.MaxValue).First).ThenBy(p => p, StringComparer.Ordinal)];
    }

    /// <summary>The SHA-256 of a stream's bytes, lowercase hex, with the bytes.</summary>
    internal static async Task<(byte[] Bytes, string Sha256)> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        byte[] bytes = buffer.ToArray();
        return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>The level-0 leaves of a tiles directory, bound to its signed checkpoint.</summary>
    internal sealed class TileLeaves(Checkpoint checkpoint, Sha256Hash[] leaves)
    {
        public Checkpoint Checkpoint { get; } = checkpoint;

        /// <summary>The leaf at <paramref name="seq"/>, or null beyond the checkpoint.</summary>
        public Sha256Hash? Leaf(long seq) => seq >= 0 && seq < leaves.Length ? leaves[seq] : null;

        public static async Task<(TileLeaves? Tiles, TamperFinding? Finding)> LoadAsync(string directory, NoteVerifier verifier, CancellationToken cancellationToken)
        {
            string checkpointPath = Path.Combine(directory, "checkpoint");
            if (!File.Exists(checkpointPath))
            {
                throw new FileNotFoundException($"{Path.GetFullPath(directory)} has no 'checkpoint' file: pass the directory 'dledger export --tiles DIR' wrote.", checkpointPath);
            }

            string note = await File.ReadAllTextAsync(checkpointPath, cancellationToken).ConfigureAwait(false);
            string origin = note.Split('\n', 2)[0];
            Checkpoint checkpoint;
            try
            {
                checkpoint = CheckpointNote.Open(note, verifier, origin);
            }
            catch (NoteVerificationException e)
            {
                return (null, new TamperFinding(0, TamperKind.CheckpointForged, $"The checkpoint of the tiles directory {directory} does not verify with the key '{verifier.Name}' ({e.Reason}): {e.Message}"));
            }

            var leaves = new Sha256Hash[checkpoint.Size];
            var tree = Merkle.MerkleTree.CreateEmpty(new Merkle.InMemoryTileStore());
            for (long tile = 0; tile * Merkle.Tile.Width < checkpoint.Size; tile++)
            {
                int width = (int)Math.Min(Merkle.Tile.Width, checkpoint.Size - (tile * Merkle.Tile.Width));
                string relative = "tile/0/" + FormatIndex(tile) + (width == Merkle.Tile.Width ? string.Empty : ".p/" + width.ToString(System.Globalization.CultureInfo.InvariantCulture));
                string path = Path.Combine(directory, relative.Replace('/', Path.DirectorySeparatorChar));
                if (!File.Exists(path))
                {
                    return (null, new TamperFinding(tile * Merkle.Tile.Width, TamperKind.ContentChanged, $"The tiles directory {directory} lacks {relative}, which the checkpoint of size {checkpoint.Size} needs; export the tiles again."));
                }

                byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                if (bytes.Length != width * Sha256Hash.Size)
                {
                    return (null, new TamperFinding(tile * Merkle.Tile.Width, TamperKind.ContentChanged, $"The tile {relative} of {directory} holds {bytes.Length} bytes, not {width} hashes."));
                }

                for (int i = 0; i < width; i++)
                {
                    Sha256Hash leaf = Sha256Hash.FromBytes(bytes.AsSpan(i * Sha256Hash.Size, Sha256Hash.Size));
                    leaves[(tile * Merkle.Tile.Width) + i] = leaf;
                    tree.Append(leaf);
                }

                tree.TakeCompletedTiles();
            }

            if (tree.Root != checkpoint.RootHash)
            {
                return (null, new TamperFinding(0, TamperKind.ContentChanged, $"The level-0 tiles of {directory} give root {tree.Root.ToBase64()} at size {checkpoint.Size}, but its signed checkpoint says {checkpoint.RootHash.ToBase64()}: a tile was edited."));
            }

            return (new TileLeaves(checkpoint, leaves), null);
        }

        // C2SP tlog-tiles index: groups of three digits, all but the last prefixed with 'x'.
        private static string FormatIndex(long index)
        {
            string last = (index % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
            var elements = new List<string> { last };
            for (long rest = index / 1000; rest > 0; rest /= 1000)
            {
                elements.Add("x" + (rest % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
            }

            elements.Reverse();
            return string.Join('/', elements);
        }
    }
}
