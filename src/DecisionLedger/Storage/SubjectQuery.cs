using System.Runtime.CompilerServices;

namespace DecisionLedger.Storage;

/// <summary>
/// Answers a query by clear subject id over a ledger that may hold both entry versions: v1 rows carry
/// the id in their subject column, v2 rows the id's ref from the <c>subjects</c> mapping. Every store
/// runs its <see cref="IDecisionIndex.QueryAsync"/> through <see cref="QueryAsync"/>, so subject reports,
/// erasure lookups and <c>query --subject</c> find both without knowing about refs.
/// </summary>
/// <remarks>
/// The first <c>format</c> event is the switch: every entry before it is v1, every entry from it on
/// v2 (docs/format.md). So the ref matches only rows at or after the switch and the id only rows before
/// it; an id without a mapping (never seen by a v2 sequencer, or erased) matches v1 rows alone, and a
/// ref passed as if it were an id matches nothing of v2. The v2 rows all come after the v1 rows, so the
/// two parts concatenate newest first without a merge.
/// </remarks>
public static class SubjectQuery
{
    /// <summary>The kind of the event entry a ledger switches to entry v2 with.</summary>
    public const string FormatEventKind = "format";

    /// <summary>
    /// Streams the entries matching <paramref name="filter"/>, newest first, at most its limit; when it
    /// filters by subject, v2 rows are matched by the subject's ref (one mapping lookup) and v1 rows by the id.
    /// </summary>
    /// <param name="filter">The filter; <see cref="EntryFilter.SubjectId"/> is a clear subject id.</param>
    /// <param name="refs">The store's subjects mapping.</param>
    /// <param name="events">Finds the store's first <c>format</c> event.</param>
    /// <param name="query">The store's own query, which matches the subject column literally.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The matching entries, newest first.</returns>
    public static async IAsyncEnumerable<StoredEntry> QueryAsync(
        EntryFilter filter,
        ISubjectRefStore refs,
        IChainHeadReader events,
        Func<EntryFilter, CancellationToken, IAsyncEnumerable<StoredEntry>> query,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(refs);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(query);
        long? switchSeq = filter.SubjectId is null || filter.Limit <= 0
            ? null
            : await events.FindFirstEventAsync(FormatEventKind, cancellationToken).ConfigureAwait(false);
        if (switchSeq is not { } firstV2)
        {
            await foreach (StoredEntry entry in query(filter, cancellationToken).ConfigureAwait(false))
            {
                yield return entry;
            }

            yield break;
        }

        string subjectId = filter.SubjectId!;
        int returned = 0;
        if (filter.BeforeSeq is not { } before || before > firstV2)
        {
            IReadOnlyDictionary<string, string> mapped = await refs.GetSubjectRefsAsync([subjectId], cancellationToken).ConfigureAwait(false);
            if (mapped.TryGetValue(subjectId, out string? subjectRef))
            {
                await foreach (StoredEntry entry in query(filter with { SubjectId = subjectRef }, cancellationToken).ConfigureAwait(false))
                {
                    // Newest first: a row below the switch is v1, and so is every row after it.
                    if (entry.Seq < firstV2)
                    {
                        break;
                    }

                    returned++;
                    yield return entry;
                }

                if (returned >= filter.Limit)
                {
                    yield break;
                }
            }
        }

        EntryFilter v1 = filter with { BeforeSeq = Math.Min(filter.BeforeSeq ?? long.MaxValue, firstV2), Limit = filter.Limit - returned };
        await foreach (StoredEntry entry in query(v1, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    /// <summary>Checks <paramref name="kind"/> names an event kind, as <see cref="IChainHeadReader.FindFirstEventAsync"/> requires.</summary>
    /// <param name="kind">The kind.</param>
    /// <exception cref="ArgumentException">The kind is empty or <c>decision</c>.</exception>
    public static void ThrowIfNotEventKind(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (kind.Length == 0 || string.Equals(kind, EntryColumns.DecisionKind, StringComparison.Ordinal))
        {
            throw new ArgumentException($"kind: '{kind}' is not an event kind; pass the kind of a ledger event, such as 'format' or 'erasure'.", nameof(kind));
        }
    }
}
