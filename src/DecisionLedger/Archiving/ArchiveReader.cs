using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using DecisionLedger.Checkpoints;

namespace DecisionLedger.Archiving;

/// <summary>
/// Reads archived decision entries back from their archive files, in seq order, checking each file
/// against what the ledger commits to: the SHA-256 and row count of its <c>archived</c> event (or of the
/// <c>archive-rewrite</c> event that replaced them) and its manifest, signed with the ledger's key.
/// </summary>
/// <remarks>
/// A file is read whole and kept in a small cache (<c>cachedFiles</c>, default 8), because the seq
/// ranges of the files of different models interleave: a page of consecutive seqs needs rows of every
/// model's file of that month. Safe for concurrent use (verification reads pages on several workers).
/// <see cref="ReadAsync"/> refuses a file that fails its checks (<see cref="ArchiveIntegrityException"/>);
/// verification reads rows regardless (<see cref="ReadRowsAsync"/>), so it can name the bad row.
/// </remarks>
public sealed partial class ArchiveReader
{
    private readonly Func<string, IArchiveDestination> _openDestination;
    private readonly NoteVerifier _verifier;
    private readonly int _cachedFiles;
    private readonly Dictionary<string, IArchiveDestination> _destinations = new(StringComparer.Ordinal);
    private readonly Dictionary<ArchiveCatalogFile, Task<ArchiveFileContent>> _cache = [];
    private readonly LinkedList<ArchiveCatalogFile> _recent = new();
    private readonly Lock _gate = new();
    private int _filesDecoded;

    /// <summary>Creates a reader over the files of <paramref name="catalog"/>.</summary>
    /// <param name="catalog">The ledger's archive catalog (<see cref="ArchiveCatalog.LoadAsync"/>).</param>
    /// <param name="openDestination">Opens a destination from its description (<c>dir:/path</c>, <c>s3://bucket/prefix</c>).</param>
    /// <param name="verifier">The ledger's verifier key; manifests must be signed by it.</param>
    /// <param name="cachedFiles">How many files are kept read; default 8, at least 1.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cachedFiles"/> is below 1.</exception>
    public ArchiveReader(ArchiveCatalog catalog, Func<string, IArchiveDestination> openDestination, NoteVerifier verifier, int cachedFiles = 8)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(openDestination);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentOutOfRangeException.ThrowIfLessThan(cachedFiles, 1);
        Catalog = catalog;
        _openDestination = openDestination;
        _verifier = verifier;
        _cachedFiles = cachedFiles;
    }

    /// <summary>The catalog the reader serves.</summary>
    public ArchiveCatalog Catalog { get; }

    /// <summary>
    /// Told about every file this reader reads and checks, once per read, on the reading task: verification
    /// takes each file's findings from the read its entry pass needs anyway, instead of reading every file
    /// a second time (the cache keeps only a few).
    /// </summary>
    internal event Action<ArchiveFileContent>? FileLoaded;

    /// <summary>Streams the archived entries with <paramref name="fromSeq"/> ≤ seq &lt; <paramref name="toSeq"/>, ascending.</summary>
    /// <param name="fromSeq">The first seq.</param>
    /// <param name="toSeq">One past the last seq.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries, each with its input and salt where the file holds them.</returns>
    /// <exception cref="ArchiveIntegrityException">A file the range needs is missing, unreadable, differs from the ledger's commitment, or its manifest is missing or not signed by the ledger's key.</exception>
    public IAsyncEnumerable<ArchivedEntry> ReadAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(fromSeq, toSeq, strict: true, cancellationToken);

    /// <summary>Returns the archived entry <paramref name="seq"/>, or null when no archive file holds it.</summary>
    /// <param name="seq">The seq.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or null.</returns>
    /// <exception cref="ArchiveIntegrityException">The file that should hold it fails its checks.</exception>
    public async ValueTask<ArchivedEntry?> GetAsync(long seq, CancellationToken cancellationToken = default)
    {
        await foreach (ArchivedEntry entry in ReadAsync(seq, seq + 1, cancellationToken).ConfigureAwait(false))
        {
            return entry;
        }

        return null;
    }

    /// <summary>Streams every archived entry for which <paramref name="predicate"/> holds, newest first (descending seq).</summary>
    /// <param name="predicate">Chooses rows by their columns.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The matching entries.</returns>
    /// <exception cref="ArchiveIntegrityException">A file fails its checks.</exception>
    public async IAsyncEnumerable<ArchivedEntry> ScanAsync(Func<ArchiveRow, bool> predicate, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var found = new List<ArchivedEntry>();
        foreach (ArchiveCatalogFile file in Catalog.Files)
        {
            ArchiveFileContent content = await LoadAsync(file, cancellationToken).ConfigureAwait(false);
            ThrowIfUntrusted(content);
            foreach (ArchiveRow row in content.Rows)
            {
                if (predicate(row))
                {
                    found.Add(new ArchivedEntry(row, file));
                }
            }
        }

        found.Sort(static (a, b) => b.Seq.CompareTo(a.Seq));
        foreach (ArchivedEntry entry in found)
        {
            yield return entry;
        }
    }

    /// <summary>
    /// Streams the rows of every file whose span overlaps the range with a seq in it, merged by seq
    /// across files but in file order within each file (so rows a file holds out of order stay out of
    /// order, for verification to see).
    /// </summary>
    /// <param name="fromSeq">The first seq.</param>
    /// <param name="toSeq">One past the last seq.</param>
    /// <param name="strict">Throw <see cref="ArchiveIntegrityException"/> for a file that fails its checks; false yields what it holds.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    internal async IAsyncEnumerable<ArchivedEntry> ReadRowsAsync(long fromSeq, long toSeq, bool strict, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var slices = new List<(ArchiveFileContent Content, List<int> Rows)>();
        foreach (ArchiveCatalogFile file in Catalog.FilesOverlapping(fromSeq, toSeq))
        {
            ArchiveFileContent content = await LoadAsync(file, cancellationToken).ConfigureAwait(false);
            if (strict)
            {
                ThrowIfUntrusted(content);
            }

            var rows = new List<int>();
            int start = content.Sorted ? content.LowerBound(fromSeq) : 0;
            for (int i = start; i < content.Rows.Count; i++)
            {
                long seq = content.Rows[i].Seq;
                if (seq >= fromSeq && seq < toSeq)
                {
                    rows.Add(i);
                }
                else if (content.Sorted && seq >= toSeq)
                {
                    break;
                }
            }

            if (rows.Count > 0)
            {
                slices.Add((content, rows));
            }
        }

        var positions = new int[slices.Count];
        while (true)
        {
            int best = -1;
            for (int s = 0; s < slices.Count; s++)
            {
                if (positions[s] < slices[s].Rows.Count
                    && (best < 0 || Head(slices[s], positions[s]) < Head(slices[best], positions[best])))
                {
                    best = s;
                }
            }

            if (best < 0)
            {
                yield break;
            }

            (ArchiveFileContent content, List<int> indexes) = slices[best];
            yield return new ArchivedEntry(content.Rows[indexes[positions[best]++]], content.File);
        }

        static long Head((ArchiveFileContent Content, List<int> Rows) slice, int position) => slice.Content.Rows[slice.Rows[position]].Seq;
    }

    /// <summary>The file that holds a row of <paramref name="seq"/>, and the row's index in it, or null.</summary>
    internal async ValueTask<(ArchiveFileContent Content, int Row)?> FindHolderAsync(long seq, CancellationToken cancellationToken)
    {
        foreach (ArchiveCatalogFile file in Catalog.FilesOverlapping(seq, seq + 1))
        {
            ArchiveFileContent content = await LoadAsync(file, cancellationToken).ConfigureAwait(false);
            int row = content.IndexOf(seq);
            if (row >= 0)
            {
                return (content, row);
            }
        }

        return null;
    }

    /// <summary>The archive files stored in the catalog's destinations that no event lists: (destination, path). An expired file not yet deleted (a run stopped between its archive-expiry event and the deletion) is listed, by its event, and not returned.</summary>
    internal async Task<List<(string Destination, string File)>> FindUnlistedAsync(CancellationToken cancellationToken)
    {
        var unlisted = new List<(string, string)>();
        foreach (string description in Catalog.Files.Select(static f => f.Destination).Distinct(StringComparer.Ordinal))
        {
            IArchiveDestination destination = Destination(description);
            await foreach (string path in destination.ListAsync(string.Empty, cancellationToken).ConfigureAwait(false))
            {
                if (path.EndsWith(ArchivePaths.FileExtension, StringComparison.Ordinal) && Catalog.Find(description, path) is null && Catalog.FindExpired(description, path) is null)
                {
                    unlisted.Add((description, path));
                }
            }
        }

        unlisted.Sort(static (a, b) => string.CompareOrdinal(a.Item2, b.Item2));
        return unlisted;
    }

    /// <summary>Reads <paramref name="file"/> (once; later calls share the read while it stays cached) and checks it as a whole.</summary>
    internal Task<ArchiveFileContent> LoadAsync(ArchiveCatalogFile file, CancellationToken cancellationToken)
    {
        Task<ArchiveFileContent> load;
        lock (_gate)
        {
            if (_cache.TryGetValue(file, out Task<ArchiveFileContent>? cached) && !cached.IsFaulted && !cached.IsCanceled)
            {
                _recent.Remove(file);
                _recent.AddFirst(file);
                return cached;
            }

            // Not tied to one caller's token: the read is shared by every caller that needs the file.
            load = Task.Run(() => LoadAndTellAsync(file), CancellationToken.None);
            _cache[file] = load;
            _recent.Remove(file);
            _recent.AddFirst(file);
            while (_recent.Count > _cachedFiles)
            {
                ArchiveCatalogFile oldest = _recent.Last!.Value;
                _recent.RemoveLast();
                _cache.Remove(oldest);
            }
        }

        return load.WaitAsync(cancellationToken);
    }

    /// <summary>The destination a description names, opened once.</summary>
    internal IArchiveDestination Destination(string description)
    {
        lock (_gate)
        {
            if (!_destinations.TryGetValue(description, out IArchiveDestination? destination))
            {
                destination = _openDestination(description);
                _destinations[description] = destination;
            }

            return destination;
        }
    }

    private static void ThrowIfUntrusted(ArchiveFileContent content)
    {
        if (content.Problem != ArchiveFileProblem.None)
        {
            throw new ArchiveIntegrityException($"{content.Detail} Run 'dledger verify' to locate the damage; the entries of this file are not shown until it is restored.");
        }
    }

    private async Task<ArchiveFileContent> LoadAndTellAsync(ArchiveCatalogFile file)
    {
        ArchiveFileContent content = await LoadUncachedAsync(file, CancellationToken.None).ConfigureAwait(false);
        FileLoaded?.Invoke(content);
        return content;
    }

    private async Task<ArchiveFileContent> LoadUncachedAsync(ArchiveCatalogFile file, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _filesDecoded);
        IArchiveDestination destination = Destination(file.Destination);
        Stream? stream = await destination.OpenReadAsync(file.File, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return new ArchiveFileContent(file, [], null, null, ArchiveFileProblem.Missing,
                $"The {file.Describe()} is missing: the ledger commits to it, but the destination holds no object '{file.File}'. Restore it from a copy; its SHA-256 must be {file.Sha256}.");
        }

        byte[] bytes;
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        IReadOnlyList<ArchiveRow> rows;
        try
        {
            rows = await ArchiveParquetReader.ReadAsync(new MemoryStream(bytes, writable: false), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            return new ArchiveFileContent(file, [], sha256, null, ArchiveFileProblem.Unreadable,
                $"The {file.Describe()} is not a readable archive file ({e.Message}); its SHA-256 is {sha256}, but the ledger commits to {file.Sha256}: it was replaced or damaged.");
        }

        (ArchiveManifest? manifest, ArchiveFileProblem problem, string? detail) = await CheckManifestAsync(destination, file, rows, cancellationToken).ConfigureAwait(false);
        if (problem != ArchiveFileProblem.None)
        {
            return new ArchiveFileContent(file, rows, sha256, manifest, problem, detail);
        }

        // Weak findings: the rows' own checks (leaves against the live tiles) usually name the bad row more precisely.
        if (!string.Equals(sha256, file.Sha256, StringComparison.Ordinal) || rows.Count != file.Rows)
        {
            return new ArchiveFileContent(file, rows, sha256, manifest, ArchiveFileProblem.Mismatch,
                $"The {file.Describe()} has SHA-256 {sha256} and {rows.Count} rows, but the ledger commits to {file.Sha256} and {file.Rows} rows: the file was swapped or edited.")
            {
                DigestOnly = true,
            };
        }

        if (ArchiveLeaves.Root(rows) is var leavesRoot && leavesRoot != manifest!.LeavesRoot)
        {
            return new ArchiveFileContent(file, rows, sha256, manifest, ArchiveFileProblem.Mismatch,
                $"The rows of the {file.Describe()} give leavesRoot {leavesRoot.ToBase64()}, but its signed manifest states {manifest.LeavesRoot.ToBase64()}: the manifest was signed over other rows.")
            {
                DigestOnly = true,
            };
        }

        return new ArchiveFileContent(file, rows, sha256, manifest, ArchiveFileProblem.None, null);
    }

    private async Task<(ArchiveManifest? Manifest, ArchiveFileProblem Problem, string? Detail)> CheckManifestAsync(IArchiveDestination destination, ArchiveCatalogFile file, IReadOnlyList<ArchiveRow> rows, CancellationToken cancellationToken)
    {
        Stream? stream = await destination.OpenReadAsync(file.Manifest, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return (null, ArchiveFileProblem.Missing, $"The signed manifest {file.Manifest} of the {file.Describe()} is missing; restore it from a copy.");
        }

        string note;
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            note = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        ArchiveManifest manifest;
        try
        {
            manifest = ArchiveManifestNote.Open(note, _verifier);
        }
        catch (NoteVerificationException e)
        {
            return (null, ArchiveFileProblem.ManifestForged,
                $"The signed manifest {file.Manifest} of the {file.Describe()} does not verify with the ledger's key '{_verifier.Name}' ({e.Reason}): {e.Message} It was forged or edited.");
        }

        if (!string.Equals(manifest.File, file.File, StringComparison.Ordinal) || !string.Equals(manifest.Sha256, file.Sha256, StringComparison.Ordinal) || manifest.Rows != file.Rows)
        {
            return (manifest, ArchiveFileProblem.Mismatch,
                $"The signed manifest {file.Manifest} states file '{manifest.File}' with SHA-256 {manifest.Sha256} and {manifest.Rows} rows, but the ledger commits to '{file.File}' with {file.Sha256} and {file.Rows} rows for the {file.Describe()}: the manifest belongs to another file or an older version of it.");
        }

        return (manifest, ArchiveFileProblem.None, null);
    }
}
