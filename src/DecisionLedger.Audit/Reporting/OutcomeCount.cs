namespace DecisionLedger.Reporting;

/// <summary>How often one value of the outcome field occurred.</summary>
/// <param name="Value">The value as text (strings as they are, other JSON compact), or null for decisions without the field.</param>
/// <param name="Count">Decisions with that value.</param>
public sealed record OutcomeCount(string? Value, long Count)
{
    /// <summary>
    /// The value under which decisions are counted once <see cref="UsageReportBuilder.MaxOutcomeValues"/>
    /// distinct values were seen (a continuous field such as a score would otherwise grow without bound).
    /// </summary>
    public const string OtherValues = "(other values)";
}
