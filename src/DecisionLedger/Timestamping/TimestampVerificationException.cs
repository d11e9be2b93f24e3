namespace DecisionLedger.Timestamping;

/// <summary>A time-stamp token does not prove its checkpoint's time: unreadable, over another hash, badly signed, or from an untrusted authority.</summary>
public sealed class TimestampVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">A short kebab-case reason: <c>unreadable</c>, <c>hash-mismatch</c>, <c>bad-signature</c> or <c>untrusted</c>.</param>
    /// <param name="message">A sentence saying what is wrong.</param>
    public TimestampVerificationException(string reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>The short reason, for scripts.</summary>
    public string Reason { get; }
}
