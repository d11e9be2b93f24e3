namespace DecisionLedger.Checkpoints;

/// <summary>
/// A signed note or checkpoint was rejected; <see cref="Reason"/> says whether it was
/// malformed, unsigned by any known key, or carried a bad signature by a known key.
/// </summary>
public sealed class NoteVerificationException : Exception
{
    /// <summary>Creates an exception with a reason and a message naming the problem.</summary>
    /// <param name="reason">The kind of failure.</param>
    /// <param name="message">A sentence naming the field or key and what is wrong with it.</param>
    /// <param name="innerException">The parse error behind a <see cref="NoteVerificationFailure.Malformed"/> failure, if any.</param>
    public NoteVerificationException(NoteVerificationFailure reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>The kind of failure.</summary>
    public NoteVerificationFailure Reason { get; }

    /// <summary>The key name of the offending signature, for <see cref="NoteVerificationFailure.InvalidSignature"/>; otherwise <see langword="null"/>.</summary>
    public string? KeyName { get; init; }

    /// <summary>The key ID of the offending signature, for <see cref="NoteVerificationFailure.InvalidSignature"/>; otherwise <see langword="null"/>.</summary>
    public uint? KeyId { get; init; }
}
