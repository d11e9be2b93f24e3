namespace DecisionLedger.Timestamping;

/// <summary>A Time Stamp Authority could not be reached, refused the request, or answered with something that is not a token for it.</summary>
public sealed class TimestampAuthorityException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="authority">The authority's configured name.</param>
    /// <param name="outcome">The metric outcome: <c>unreachable</c>, <c>http_error</c>, <c>rejected</c> or <c>bad_response</c>.</param>
    /// <param name="message">A sentence naming the authority and the reason.</param>
    /// <param name="innerException">The cause, or null.</param>
    public TimestampAuthorityException(string authority, string outcome, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Authority = authority;
        Outcome = outcome;
    }

    /// <summary>The authority's configured name.</summary>
    public string Authority { get; }

    /// <summary>Why it failed, as the <c>outcome</c> tag of <c>decisionledger.tsa.requests</c>.</summary>
    public string Outcome { get; }
}
