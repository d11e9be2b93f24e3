namespace DecisionLedger.Redaction;

/// <summary>Redacting one decision failed, e.g. a custom pattern exceeded its match timeout. The decision must not be recorded unredacted.</summary>
public sealed class RedactionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="rule">The rule that failed, e.g. <c>card-like</c> or <c>detector:email</c>.</param>
    /// <param name="message">What happened and how to fix it.</param>
    /// <param name="innerException">The underlying error.</param>
    public RedactionException(string rule, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Rule = rule;
    }

    /// <summary>The rule that failed.</summary>
    public string Rule { get; }
}
