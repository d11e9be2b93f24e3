namespace DecisionLedger.Archiving;

/// <summary>
/// Where archive files and their signed manifests go: a directory, an S3 bucket, anything that
/// stores whole objects under '/'-separated relative paths. The archiver writes, reads every file
/// back, and only then lets the live store drop the bodies, so a destination must make a written
/// object durable and complete before <see cref="WriteAsync"/> returns.
/// </summary>
public interface IArchiveDestination
{
    /// <summary>Names the destination for the <c>archived</c> event and for messages: <c>dir:/abs/path</c> or <c>s3://bucket/prefix</c>.</summary>
    /// <returns>The description; stable for the same destination.</returns>
    string Describe();

    /// <summary>Stores <paramref name="content"/> under <paramref name="path"/>, replacing any object there.</summary>
    /// <param name="path">Relative, '/'-separated path, e.g. <c>fraud/2026-01/000000000000-000000000099.parquet</c>.</param>
    /// <param name="content">The bytes to store, read from its current position to its end.</param>
    /// <param name="cancellationToken">Cancels the write; a cancelled write leaves no partial object under <paramref name="path"/>.</param>
    /// <returns>A task that completes once the object is durable and complete.</returns>
    Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens the object at <paramref name="path"/> for reading.</summary>
    /// <param name="path">Relative, '/'-separated path.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>A readable stream the caller disposes, or <see langword="null"/> when no object is there.</returns>
    Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Lists the objects under <paramref name="prefix"/>, in any order.</summary>
    /// <param name="prefix">A relative path prefix; empty for everything.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The relative paths of the objects.</returns>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object at <paramref name="path"/>; nothing happens when it is absent.</summary>
    /// <remarks>Only erasure rewrites and keep expiry delete archive objects; archiving never does.</remarks>
    /// <param name="path">Relative, '/'-separated path.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>A task that completes once the object is gone.</returns>
    Task DeleteAsync(string path, CancellationToken cancellationToken = default);
}
