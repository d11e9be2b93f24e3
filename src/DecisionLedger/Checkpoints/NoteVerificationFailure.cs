namespace DecisionLedger.Checkpoints;

/// <summary>Why a signed note or checkpoint was rejected; lets callers classify tampering.</summary>
public enum NoteVerificationFailure
{
    /// <summary>The note or the checkpoint inside it does not follow the format (a damaged or hand-edited file).</summary>
    Malformed,

    /// <summary>The note parsed, but no signature is by a known key (wrong key supplied, or a checkpoint signed by someone else).</summary>
    NoKnownSignature,

    /// <summary>A signature by a known key (name and key ID match) failed to verify: the text or signature was altered, or forged.</summary>
    InvalidSignature,

    /// <summary>The checkpoint verified but names a different log origin than the one expected.</summary>
    OriginMismatch,
}
