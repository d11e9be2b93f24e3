namespace DecisionLedger.Retention;

/// <summary>A retention policy is invalid, or an action it asked for is refused (a legal hold, the legal floor); the message names the field.</summary>
public sealed class RetentionPolicyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The field at fault, e.g. <c>retention.models.fraud.keep</c>.</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    public RetentionPolicyException(string field, string problem)
        : base($"{field}: {problem}")
    {
        Field = field;
    }

    /// <summary>The field at fault.</summary>
    public string Field { get; }
}
