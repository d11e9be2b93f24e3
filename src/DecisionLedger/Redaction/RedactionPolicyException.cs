namespace DecisionLedger.Redaction;

/// <summary>A redaction policy is invalid; the message names the rule (by name or position) and the problem.</summary>
public sealed class RedactionPolicyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="location">Where the problem is, e.g. <c>models.fraud_detector.rules[1] 'email-hash'</c>, or the file.</param>
    /// <param name="reason">What is wrong and how to fix it.</param>
    public RedactionPolicyException(string location, string reason)
        : base($"{location}: {reason}")
    {
        Location = location;
        Reason = reason;
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    /// <param name="location">Where the problem is.</param>
    /// <param name="reason">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying error (a JSON or I/O error).</param>
    public RedactionPolicyException(string location, string reason, Exception innerException)
        : base($"{location}: {reason}", innerException)
    {
        Location = location;
        Reason = reason;
    }

    /// <summary>Where the problem is: the rule's position and name, a profile, or the file.</summary>
    public string Location { get; }

    /// <summary>What is wrong and how to fix it.</summary>
    public string Reason { get; }
}
