namespace DecisionLedger.Archiving.S3;

/// <summary>
/// An S3 request of the archive failed: the bucket does not exist, access was denied, or the
/// endpoint could not be reached. The message names the bucket, the key and the endpoint.
/// </summary>
public sealed class S3ArchiveException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, naming bucket, key and endpoint.</param>
    /// <param name="bucket">The bucket.</param>
    /// <param name="key">The object key or prefix the request was for.</param>
    /// <param name="innerException">The SDK's exception.</param>
    public S3ArchiveException(string message, string bucket, string key, Exception? innerException = null)
        : base(message, innerException)
    {
        Bucket = bucket;
        Key = key;
    }

    /// <summary>The bucket of the failed request.</summary>
    public string Bucket { get; }

    /// <summary>The object key (or listed prefix) of the failed request.</summary>
    public string Key { get; }
}
