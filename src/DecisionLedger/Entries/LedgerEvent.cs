namespace DecisionLedger.Entries;

/// <summary>
/// Something that happened to the ledger itself (not a model decision) and is recorded in it as
/// an entry of its own, e.g. an erasure. Event entries carry a <c>kind</c> member; decision
/// entries have none.
/// </summary>
public sealed record LedgerEvent
{
    /// <summary>The kind of an erasure event.</summary>
    public const string ErasureKind = "erasure";

    private LedgerEvent(string kind, ErasureEvent erasure)
    {
        Kind = kind;
        Erasure = erasure;
    }

    /// <summary>The event's kind; <see cref="ErasureKind"/> is the only one today.</summary>
    public string Kind { get; }

    /// <summary>The erasure's details.</summary>
    public ErasureEvent Erasure { get; }

    /// <summary>Creates an erasure event.</summary>
    /// <param name="erasure">The erasure's details.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">A field is empty or the count is negative; the message names it.</exception>
    public static LedgerEvent ForErasure(ErasureEvent erasure)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        Require(erasure.SubjectId, "subjectId", "the data subject's id");
        Require(erasure.Reason, "reason", "why the inputs are erased, e.g. 'GDPR Art. 17 request'");
        Require(erasure.RequestedBy, "requestedBy", "who asked for the erasure");
        if (erasure.DecisionsErased < 0)
        {
            throw new ArgumentException($"event.decisionsErased: {erasure.DecisionsErased} is negative; pass the number of decisions whose inputs were deleted (0 or more).");
        }

        return new LedgerEvent(ErasureKind, erasure);
    }

    private static void Require(string? value, string field, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"event.{field}: required; a non-empty string: {what}.");
        }
    }
}
