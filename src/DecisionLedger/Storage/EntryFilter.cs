namespace DecisionLedger.Storage;

/// <summary>
/// Filters of a ledger query. All set filters must match (AND). The column filters are answered
/// from indexes; <see cref="Where"/> predicates are evaluated on the rows those select.
/// Results come newest first (descending <c>seq</c>).
/// </summary>
public sealed record EntryFilter
{
    /// <summary>Exact request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>Exact model name.</summary>
    public string? ModelName { get; init; }

    /// <summary>Exact model version.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>Exact requesting user.</summary>
    public string? UserId { get; init; }

    /// <summary>Exact tenant.</summary>
    public string? Tenant { get; init; }

    /// <summary>Exact data subject.</summary>
    public string? SubjectId { get; init; }

    /// <summary>Exact input fingerprint (lowercase hex).</summary>
    public string? InputFingerprint { get; init; }

    /// <summary>Entry kind (<c>decision</c>, <c>erasure</c>, …).</summary>
    public string? Kind { get; init; }

    /// <summary>Inclusive lower bound on the decision timestamp.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound on the decision timestamp.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>
    /// Conditions on fields of the entry or of its stored input (<c>output.label = "fraud"</c>), all of
    /// which must hold. Empty by default. Stores evaluate them on their side with bound parameters:
    /// an <c>input.</c> predicate only matches entries whose input is held in plaintext (an erased
    /// or encrypted input matches nothing, not even <c>!=</c>). Stores may assume every path passed
    /// <see cref="FieldPath"/> validation.
    /// </summary>
    public IReadOnlyList<FieldPredicate> Where { get; init; } = [];

    /// <summary>
    /// The entries <see cref="Where"/> selects, once <c>Querying.WhereSelection.ResolveAsync</c> resolved it;
    /// read only by in-order passes (<see cref="EntryFilterMatching"/>), never by a store query.
    /// </summary>
    internal IReadOnlySet<long>? SelectedSeqs { get; init; }

    /// <summary>Keyset cursor: only entries with <c>seq</c> below this value.</summary>
    public long? BeforeSeq { get; init; }

    /// <summary>The most entries to return. Default 100.</summary>
    public int Limit { get; init; } = 100;
}
