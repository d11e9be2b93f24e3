using System.Runtime.CompilerServices;

namespace DecisionLedger.Archiving;

/// <summary>
/// An archive destination in a local (or mounted) directory. A write goes to a temporary file in
/// the target folder, is flushed to disk and then renamed over the target, so a reader never sees a
/// half-written file and a crash leaves at most a stray <c>.tmp</c> file.
/// </summary>
public sealed class DirectoryArchiveDestination : IArchiveDestination
{
    private const string TempSuffix = ".tmp";

    private static long s_writes;

    /// <summary>Creates a destination rooted at <paramref name="root"/>; the directory is created on the first write.</summary>
    /// <param name="root">The directory, absolute or relative to the current directory.</param>
    /// <exception cref="ArgumentException"><paramref name="root"/> is empty.</exception>
    public DirectoryArchiveDestination(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The full path of the directory.</summary>
    public string Root { get; }

    /// <inheritdoc />
    /// <returns><c>dir:</c> and the directory's full path.</returns>
    public string Describe() => "dir:" + Root;

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="path"/> is absolute, empty, or climbs out of the directory.</exception>
    public async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        string target = Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // Unique per process and write, so two writers of the same path never share a temporary file.
        string temp = $"{target}.{Environment.ProcessId}-{Interlocked.Increment(ref s_writes)}{TempSuffix}";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            var file = new FileStream(temp, options);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);

                // The archiver deletes live rows once this returns: the bytes must be on disk, not in the page cache.
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="path"/> is absolute, empty, or climbs out of the directory.</exception>
    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string target = Resolve(path);
        if (!File.Exists(target))
        {
            return Task.FromResult<Stream?>(null);
        }

        return Task.FromResult<Stream?>(new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!Directory.Exists(Root))
        {
            yield break;
        }

        foreach (string file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string relative = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.EndsWith(TempSuffix, StringComparison.Ordinal) || !relative.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            yield return relative;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="path"/> is absolute, empty, or climbs out of the directory.</exception>
    public Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        File.Delete(Resolve(path));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => Describe();

    private string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path.StartsWith('/') || Path.IsPathRooted(path))
        {
            throw new ArgumentException($"path: '{path}' is absolute; archive paths are relative to the destination, '/'-separated.", nameof(path));
        }

        string full = Path.GetFullPath(Path.Combine(Root, path.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"path: '{path}' leaves the archive directory '{Root}'.", nameof(path));
        }

        return full;
    }
}
