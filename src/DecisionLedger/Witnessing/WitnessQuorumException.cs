namespace DecisionLedger.Witnessing;

/// <summary>
/// A checkpoint's log signature verified, but its cosignatures do not satisfy the witness policy:
/// too few, or one by a listed witness does not verify over this checkpoint.
/// </summary>
public sealed class WitnessQuorumException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">A sentence naming the witnesses found, the quorum and what is missing or wrong.</param>
    public WitnessQuorumException(string message)
        : base(message)
    {
    }
}
