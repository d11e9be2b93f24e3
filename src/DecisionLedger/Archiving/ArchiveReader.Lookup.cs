using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Parquet.Schema;

namespace DecisionLedger.Archiving;

/// <summary>Look-ups by subject or request id that decode only the archive files holding a match.</summary>
/// <remarks>
/// The live store keeps no index rows for archived decisions (removal deletes their entry_index and
/// entries rows), and subjects and request ids are spread over every file, so Parquet row-group
/// min/max statistics cannot rule a file out. What can be pruned honestly is the decoding: each file is
/// fetched once and its bytes checked against the SHA-256 the ledger commits to, its signed manifest
/// and its row count, and only its one looked-up column is decoded. A file with no matching value is
/// done with; a file with one, or a file failing any of those checks, is read in full through the
/// cache with every check (<see cref="ArchiveReader.LoadAsync"/>), so the entries returned, and the
/// refusals, are those of the full scan.
/// </remarks>
public sealed partial class ArchiveReader
{
    /// <summary>How many archive files this reader has read and decoded in full (every column, every row, leaves checked); a measure of a look-up's cost.</summary>
    public int FilesDecoded => Volatile.Read(ref _filesDecoded);

    /// <summary>
    /// Streams every archived entry whose <c>subject</c> column is one of <paramref name="subjects"/>,
    /// newest first: the same entries as <see cref="ScanAsync"/> with that predicate, but only files
    /// holding such a row are decoded in full.
    /// </summary>
    /// <param name="subjects">The values to match: the clear subject id (v1 rows) and its ref (v2 rows).</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <returns>The matching entries, descending seq.</returns>
    /// <exception cref="ArchiveIntegrityException">A file fails its checks.</exception>
    public IAsyncEnumerable<ArchivedEntry> FindBySubjectAsync(IReadOnlyCollection<string> subjects, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var values = new HashSet<string>(subjects, StringComparer.Ordinal);
        return FindAsync(ArchiveParquetSchema.Subject, static row => row.Subject, values, cancellationToken);
    }

    /// <summary>
    /// Streams the archived entries with request id <paramref name="requestId"/>, newest first: the
    /// same entries as <see cref="ScanAsync"/> with that predicate, but only files holding the id are
    /// decoded in full.
    /// </summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <returns>The matching entries, descending seq.</returns>
    /// <exception cref="ArchiveIntegrityException">A file fails its checks.</exception>
    public IAsyncEnumerable<ArchivedEntry> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return FindAsync(ArchiveParquetSchema.RequestId, static row => row.RequestId, new HashSet<string>(StringComparer.Ordinal) { requestId }, cancellationToken);
    }

    private async IAsyncEnumerable<ArchivedEntry> FindAsync(DataField<string> column, Func<ArchiveRow, string?> value, HashSet<string> values, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var found = new List<ArchivedEntry>();
        foreach (ArchiveCatalogFile file in Catalog.Files)
        {
            if (!TryGetLoaded(file, out ArchiveFileContent? content))
            {
                if (!await MayHoldAsync(file, column, values, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                content = await LoadAsync(file, cancellationToken).ConfigureAwait(false);
            }

            ThrowIfUntrusted(content);
            foreach (ArchiveRow row in content.Rows)
            {
                if (value(row) is { } v && values.Contains(v))
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

    // A file already read and cached is filtered as it is: no second fetch.
    private bool TryGetLoaded(ArchiveCatalogFile file, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ArchiveFileContent? content)
    {
        lock (_gate)
        {
            if (_cache.TryGetValue(file, out Task<ArchiveFileContent>? cached) && cached.IsCompletedSuccessfully)
            {
                content = cached.Result;
                return true;
            }
        }

        content = null;
        return false;
    }

    // True when the file holds a matching value, or when anything about it is off: the full read then
    // names the problem exactly as the full scan would.
    private async Task<bool> MayHoldAsync(ArchiveCatalogFile file, DataField<string> column, HashSet<string> values, CancellationToken cancellationToken)
    {
        IArchiveDestination destination = Destination(file.Destination);
        Stream? stream = await destination.OpenReadAsync(file.File, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return true;
        }

        byte[] bytes;
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }

        // Bytes equal to the ledger's commitment: the column read is the one the archiver wrote.
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256, StringComparison.Ordinal))
        {
            return true;
        }

        List<string?> columnValues;
        try
        {
            columnValues = await ArchiveParquetReader.ReadColumnAsync(new MemoryStream(bytes, writable: false), column, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return true;
        }

        if (columnValues.Count != file.Rows)
        {
            return true;
        }

        (_, ArchiveFileProblem problem, _) = await CheckManifestAsync(destination, file, [], cancellationToken).ConfigureAwait(false);
        return problem != ArchiveFileProblem.None || columnValues.Exists(v => v is not null && values.Contains(v));
    }
}
