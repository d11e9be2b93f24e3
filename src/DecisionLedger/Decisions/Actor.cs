namespace DecisionLedger.Decisions;

/// <summary>Who requested a decision.</summary>
public sealed record Actor
{
    /// <summary>The requesting user or service identity.</summary>
    public string? UserId { get; init; }

    /// <summary>The tenant the request belongs to.</summary>
    public string? Tenant { get; init; }
}
