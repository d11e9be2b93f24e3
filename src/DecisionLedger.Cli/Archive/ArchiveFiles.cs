using System.Globalization;
using DecisionLedger.Archiving;

namespace DecisionLedger.Cli.Archive;

/// <summary>
/// An archive's Parquet files and manifests in a local directory, where DuckDB reads them. A directory
/// destination is read in place; any other (S3) is copied to a private temporary directory first,
/// only the files a query can need (its model's folder, its months), and the copy is deleted on dispose.
/// DuckDB's own S3 reader (httpfs) is an extension it downloads at run time, which an offline machine cannot.
/// </summary>
internal sealed class ArchiveFiles : IDisposable
{
    private readonly bool _ownsRoot;

    private ArchiveFiles(string root, bool ownsRoot, int parquetFiles, int manifests)
    {
        Root = root;
        _ownsRoot = ownsRoot;
        ParquetFiles = parquetFiles;
        Manifests = manifests;
    }

    /// <summary>The full path of the local directory holding the files.</summary>
    public string Root { get; }

    /// <summary>How many Parquet files the directory holds.</summary>
    public int ParquetFiles { get; }

    /// <summary>How many manifests the directory holds.</summary>
    public int Manifests { get; }

    /// <summary>Makes the archive's files readable locally.</summary>
    /// <param name="destination">The archive.</param>
    /// <param name="model">Only this model's folder, or null for every model.</param>
    /// <param name="from">Only months that can hold entries at or after this time, or null.</param>
    /// <param name="to">Only months that can hold entries before this time, or null.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    public static async Task<ArchiveFiles> OpenAsync(IArchiveDestination destination, string? model, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination is DirectoryArchiveDestination directory)
        {
            if (!Directory.Exists(directory.Root))
            {
                throw new CliException(ExitCodes.BadInput, $"archive {destination.Describe()}: the directory does not exist.");
            }

            return new ArchiveFiles(directory.Root, ownsRoot: false, Count(directory.Root, "*" + ArchivePaths.FileExtension), Count(directory.Root, "*" + ArchivePaths.ManifestSuffix));
        }

        string root = Directory.CreateTempSubdirectory("dledger-archive-").FullName;
        int parquet = 0;
        int manifests = 0;
        try
        {
            await foreach (string path in destination.ListAsync("", cancellationToken).ConfigureAwait(false))
            {
                bool isParquet = path.EndsWith(ArchivePaths.FileExtension, StringComparison.Ordinal);
                bool isManifest = path.EndsWith(ArchivePaths.ManifestSuffix, StringComparison.Ordinal);
                if ((!isParquet && !isManifest) || !Wanted(path, model, from, to))
                {
                    continue;
                }

                string local = Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar));
                if (!Path.GetFullPath(local).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                Stream? source = await destination.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
                if (source is null)
                {
                    continue;
                }

                await using (source.ConfigureAwait(false))
                {
                    var target = new FileStream(local, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                    await using (target.ConfigureAwait(false))
                    {
                        await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                    }
                }

                parquet += isParquet ? 1 : 0;
                manifests += isManifest ? 1 : 0;
            }
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }

        return new ArchiveFiles(root, ownsRoot: true, parquet, manifests);
    }

    /// <summary>Deletes the temporary copy, if one was made.</summary>
    public void Dispose()
    {
        if (_ownsRoot && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static int Count(string root, string pattern) => Directory.EnumerateFiles(root, pattern, SearchOption.AllDirectories).Count();

    // Archive paths are <model-escaped>/<yyyy-MM>/<first>-<last>.parquet: the folders say which files a query can skip.
    private static bool Wanted(string path, string? model, DateTimeOffset? from, DateTimeOffset? to)
    {
        string[] parts = path.Split('/');
        if (parts.Length != 3)
        {
            return true;
        }

        if (model is not null && !string.Equals(parts[0], ArchivePaths.EscapeModel(model), StringComparison.Ordinal))
        {
            return false;
        }

        if (!DateTimeOffset.TryParseExact(parts[1], "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset month))
        {
            return true;
        }

        // The month [start, start + 1 month) overlaps [from, to).
        return (from is not { } f || month.AddMonths(1) > f) && (to is not { } t || month < t);
    }
}
