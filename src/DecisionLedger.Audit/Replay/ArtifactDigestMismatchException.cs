namespace DecisionLedger.Replay;

/// <summary>
/// An artifact store fetched the file of a digest, but its bytes hash to another SHA-256: the object
/// was replaced or damaged after the decision was made. Thrown by <see cref="IArtifactStore.LocateAsync"/>
/// of a store that checks what it fetched (an S3 prefix); <see cref="ArtifactReplayScorer"/> reports the
/// decision as not replayable (<see cref="ReplayReasons.ArtifactDigestMismatch"/>), never scores it with the wrong file.
/// </summary>
public sealed class ArtifactDigestMismatchException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="location">Where the artifact was read, e.g. <c>s3://models/fraud/H.zip</c>.</param>
    /// <param name="expectedSha256Hex">The digest the decision recorded (64 lowercase hex digits).</param>
    /// <param name="actualSha256Hex">The SHA-256 of the bytes read.</param>
    public ArtifactDigestMismatchException(string location, string expectedSha256Hex, string actualSha256Hex)
        : base($"artifact digest mismatch: {location} has SHA-256 {actualSha256Hex}, not the recorded {expectedSha256Hex}; the object was replaced or damaged after the decision was made.")
    {
        Location = location;
        ExpectedSha256Hex = expectedSha256Hex;
        ActualSha256Hex = actualSha256Hex;
    }

    /// <summary>Where the artifact was read (its key or path).</summary>
    public string Location { get; }

    /// <summary>The digest the decision recorded.</summary>
    public string ExpectedSha256Hex { get; }

    /// <summary>The SHA-256 of the bytes the store holds under that digest.</summary>
    public string ActualSha256Hex { get; }
}
