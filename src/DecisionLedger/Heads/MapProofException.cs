namespace DecisionLedger.Heads;

/// <summary>
/// A heads-map proof does not match the root and key it was checked against; the message names
/// the reason.
/// </summary>
public sealed class MapProofException : Exception
{
    /// <summary>Creates the exception with a message naming why the proof failed.</summary>
    public MapProofException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public MapProofException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
