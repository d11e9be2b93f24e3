namespace DecisionLedger.Replay;

/// <summary>
/// An artifact store in a directory: the artifact whose SHA-256 is <c>H</c> (64 lowercase hex digits)
/// is the file <c>H</c>, or <c>H.zip</c>, <c>H.onnx</c> … (any one extension), directly in the directory.
/// </summary>
public sealed class DirectoryArtifactStore : IArtifactStore
{
    /// <summary>Opens the store at <paramref name="directory"/>.</summary>
    /// <param name="directory">An existing directory.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public DirectoryArtifactStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new DirectoryNotFoundException($"--artifacts: no directory at {Directory}; pass the directory that holds the model files named by their SHA-256.");
        }
    }

    /// <summary>The directory's full path.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public string Source => "dir:" + Directory;

    /// <inheritdoc />
    public ValueTask<string?> LocateAsync(string sha256Hex, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sha256Hex);
        string exact = Path.Combine(Directory, sha256Hex);
        if (File.Exists(exact))
        {
            return ValueTask.FromResult<string?>(exact);
        }

        string? withExtension = System.IO.Directory.EnumerateFiles(Directory, sha256Hex + ".*")
            .Where(path => Path.GetFileNameWithoutExtension(path) == sha256Hex)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        return ValueTask.FromResult(withExtension);
    }
}
