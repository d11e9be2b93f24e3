namespace DecisionLedger.Decisions;

/// <summary>The data subject a decision is about. Its id is the key for erasure and subject reports.</summary>
public sealed record DecisionSubject
{
    /// <summary>The subject's identifier, e.g. a customer number.</summary>
    public string? Id { get; init; }
}
