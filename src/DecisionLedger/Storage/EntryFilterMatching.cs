namespace DecisionLedger.Storage;

/// <summary>Matches an <see cref="EntryFilter"/> against an entry's stored columns, for passes that scan in <c>seq</c> order rather than query.</summary>
/// <remarks>
/// Public on purpose: the evidence bundle writer and the bundle report (package DecisionLedger.Audit) select
/// entries with it, and the offline bundle verifier here checks a manifest's filters with the same rules, so an
/// export and its verification cannot disagree on what a filter selects.
/// </remarks>
public static class EntryFilterMatching
{
    /// <summary>True when <paramref name="entry"/> satisfies every filter that is set (its <see cref="EntryFilter.Limit"/> is ignored).</summary>
    /// <param name="filter">The filter; when it has <see cref="EntryFilter.Where"/> predicates, the one <c>WhereSelection.ResolveAsync</c> returned.</param>
    /// <param name="entry">The stored entry, with its columns.</param>
    /// <returns>True when every set filter matches.</returns>
    /// <exception cref="InvalidOperationException">The filter has where predicates that were not resolved first.</exception>
    public static bool Matches(this EntryFilter filter, StoredEntry entry)
    {
        if (filter.Where.Count > 0 && filter.SelectedSeqs is null)
        {
            throw new InvalidOperationException("A filter with where predicates must be resolved with WhereSelection.ResolveAsync before an in-order pass.");
        }

        return filter.MatchesColumns(entry);
    }

    /// <summary>
    /// True when <paramref name="entry"/> satisfies every column filter that is set (request id, model,
    /// version, user, tenant, subject, fingerprint, kind, time, cursor, selected seqs); where
    /// predicates are left to the caller.
    /// </summary>
    internal static bool MatchesColumns(this EntryFilter filter, StoredEntry entry)
    {
        EntryColumns c = entry.Columns;
        return Eq(filter.RequestId, c.RequestId)
            && Eq(filter.ModelName, c.ModelName)
            && Eq(filter.ModelVersion, c.ModelVersion)
            && Eq(filter.UserId, c.UserId)
            && Eq(filter.Tenant, c.Tenant)
            && Eq(filter.SubjectId, c.SubjectId)
            && Eq(filter.InputFingerprint, c.InputFingerprint)
            && Eq(filter.Kind, c.Kind)
            && (filter.From is not { } from || c.Timestamp >= from)
            && (filter.To is not { } to || c.Timestamp < to)
            && (filter.BeforeSeq is not { } before || entry.Seq < before)
            && (filter.SelectedSeqs is not { } selected || selected.Contains(entry.Seq));

        static bool Eq(string? wanted, string? actual) => wanted is null || string.Equals(wanted, actual, StringComparison.Ordinal);
    }
}
