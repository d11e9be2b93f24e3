using DecisionLedger.Entries;
using DecisionLedger.Storage;

namespace DecisionLedger.Reporting;

/// <summary>
/// Matches stored entries against a filter whose <see cref="EntryFilter.SubjectId"/> is a clear subject id,
/// on a ledger that may hold both entry versions: v1 rows carry the id in their subject column, v2 rows (from the
/// <c>format</c> event on) the id's ref. <see cref="EntryFilterMatching.Matches"/> alone compares the column literally,
/// so it would find no v2 row at all.
/// </summary>
internal sealed class StoredSubjectFilter
{
    private readonly EntryFilter _filter;
    private readonly EntryFilter? _refFilter;
    private readonly long _switchSeq;

    private StoredSubjectFilter(EntryFilter filter, EntryFilter? refFilter, long switchSeq)
    {
        _filter = filter;
        _refFilter = refFilter;
        _switchSeq = switchSeq;
    }

    /// <summary>Resolves the subject's ref (one mapping lookup) when <paramref name="filter"/> filters by subject on a v2 ledger.</summary>
    public static async Task<StoredSubjectFilter> CreateAsync(ILedgerStore store, EntryFilter filter, CancellationToken cancellationToken)
    {
        if (filter.SubjectId is not { } id
            || await store.FindFirstEventAsync(LedgerEvent.FormatKind, cancellationToken).ConfigureAwait(false) is not { } switchSeq)
        {
            return new StoredSubjectFilter(filter, null, long.MaxValue);
        }

        IReadOnlyDictionary<string, string> refs = await store.GetSubjectRefsAsync([id], cancellationToken).ConfigureAwait(false);

        // No ref: the subject was never seen since the switch (or was erased), so no v2 row is about it.
        EntryFilter? refFilter = refs.TryGetValue(id, out string? subjectRef) ? filter with { SubjectId = subjectRef } : null;
        return new StoredSubjectFilter(filter, refFilter, switchSeq);
    }

    /// <summary>Whether <paramref name="entry"/> matches: rows before the switch by the id, rows from it on by the ref.</summary>
    public bool Matches(StoredEntry entry)
    {
        if (entry.Seq < _switchSeq)
        {
            return _filter.Matches(entry);
        }

        return _refFilter is not null && _refFilter.Matches(entry);
    }
}
