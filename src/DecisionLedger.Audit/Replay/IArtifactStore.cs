namespace DecisionLedger.Replay;

/// <summary>Where model artifacts are kept by their SHA-256: finds the file of a digest.</summary>
public interface IArtifactStore
{
    /// <summary>The store as the replay event names it, e.g. <c>dir:/models</c> or <c>s3://bucket/prefix</c>.</summary>
    string Source { get; }

    /// <summary>Returns a local path to the artifact whose SHA-256 is <paramref name="sha256Hex"/>, or null when the store holds none.</summary>
    /// <param name="sha256Hex">64 lowercase hex digits.</param>
    /// <param name="cancellationToken">Stops the lookup.</param>
    /// <returns>The file's path, or null.</returns>
    /// <exception cref="ArtifactDigestMismatchException">The store fetched the file and its bytes do not hash to <paramref name="sha256Hex"/>.</exception>
    /// <exception cref="ArtifactStoreUnavailableException">The store cannot be read (access denied, no such bucket, endpoint unreachable).</exception>
    ValueTask<string?> LocateAsync(string sha256Hex, CancellationToken cancellationToken = default);
}
