using DecisionLedger.Decisions;
using DecisionLedger.Entries;

namespace DecisionLedger.Recording;

/// <summary>
/// What building a v2 decision entry needs beyond a v1 one: the chain state its prev links come from and the
/// decision's subject ref. The default value builds a v1 entry.
/// </summary>
/// <param name="Chains">The builder's chain state; null for a v1 entry.</param>
/// <param name="SubjectRef">The decision's subject ref, or null when it has no subject.</param>
internal readonly record struct V2Chaining(ChainState? Chains, string? SubjectRef)
{
    /// <summary>Whether a v2 entry is built.</summary>
    public bool IsV2 => Chains is not null;

    /// <summary>The prev links of <paramref name="decision"/> (as it is written: after redaction), or null for a v1 entry.</summary>
    /// <exception cref="InvalidOperationException">The decision has a subject id but no ref was assigned.</exception>
    public ChainLinks? Link(Decision decision)
    {
        if (Chains is null)
        {
            return null;
        }

        if (decision.Subject is not null && SubjectRef is null)
        {
            // The builder assigns every subject its ref before the batch is built; reaching this is a bug, and writing
            // the entry without its ref would drop it from its subject's chain.
            throw new InvalidOperationException("subject.ref: no ref was assigned to the decision's subject; the decision was not recorded.");
        }

        return Chains.Link(decision.Model.Name, decision.Subject is null ? null : SubjectRef);
    }

    /// <summary>The ref the entry carries: the subject ref for a v2 entry with a subject, else null.</summary>
    public string? EntryRef(ChainLinks? prev) => prev is null ? null : SubjectRef;
}
