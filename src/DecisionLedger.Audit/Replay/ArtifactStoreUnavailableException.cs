namespace DecisionLedger.Replay;

/// <summary>
/// An artifact store cannot be read at all: access denied, a bucket that does not exist, an endpoint
/// that cannot be reached. Unlike a missing artifact this is no property of one decision, so the
/// replay run stops with it; the message names where the store is (bucket, key and endpoint for S3).
/// </summary>
public sealed class ArtifactStoreUnavailableException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and where.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ArtifactStoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
