namespace DecisionLedger.Replay;

/// <summary>Why a decision could not be replayed: the values of <see cref="ReplayResult.Reason"/>.</summary>
public static class ReplayReasons
{
    /// <summary>The decision's subject was erased: its stored input is gone.</summary>
    public const string InputErased = "input-erased";

    /// <summary>No stored input is held (never stored, or archived without input).</summary>
    public const string InputNotHeld = "input-not-held";

    /// <summary>The stored input is encrypted and no master key (or subject key) is available to read it.</summary>
    public const string InputEncrypted = "input-encrypted";

    /// <summary>The decision records no <c>model.artifactDigest</c>, so no artifact can be chosen.</summary>
    public const string NoArtifactDigest = "no-artifact-digest";

    /// <summary>The artifact store holds no file for the decision's digest.</summary>
    public const string ArtifactNotFound = "artifact-not-found";

    /// <summary>The model could not be loaded or run, or the endpoint failed or answered something that is not JSON.</summary>
    public const string ScorerFailed = "scorer-failed";

    /// <summary>The artifact store holds a file under the decision's digest, but its bytes hash to another SHA-256 (replaced or damaged).</summary>
    public const string ArtifactDigestMismatch = "artifact-digest-mismatch";
}
