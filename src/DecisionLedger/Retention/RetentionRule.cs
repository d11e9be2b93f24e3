namespace DecisionLedger.Retention;

/// <summary>How long one model's decisions stay where: a model's rule, or the default. Null means "never" for that step.</summary>
/// <param name="Live">How long bodies and inputs stay in the live store before they are archived.</param>
/// <param name="Inputs">How long stored inputs are kept (live or archived) before they are deleted.</param>
/// <param name="Keep">How long archived data is kept before it may be deleted; never shorter than the legal floor without an override.</param>
public sealed record RetentionRule(IsoDuration? Live, IsoDuration? Inputs, IsoDuration? Keep)
{
    /// <summary>A rule that moves and deletes nothing.</summary>
    public static RetentionRule Never { get; } = new(null, null, null);
}
