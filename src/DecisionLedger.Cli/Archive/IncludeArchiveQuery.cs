using DecisionLedger.Archiving;
using DecisionLedger.Querying;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Archive;

/// <summary>
/// One page of <c>query --include-archive</c>: the live ledger's matches (the <see cref="LedgerQuery"/>
/// engine, with its checks) merged with the archive's (<see cref="ArchiveEntryQuery"/>), newest first.
/// A seq both hold (archived, not yet removed from the live store) is shown once, from the live store.
/// </summary>
internal sealed class IncludeArchiveQuery(ILedgerStore store, IReadOnlyList<IArchiveDestination> archives)
{
    /// <summary>How many of the page's entries came from the archive.</summary>
    public int ArchivedShown { get; private set; }

    /// <summary>Runs one page.</summary>
    /// <param name="filter">The filters; <see cref="EntryFilter.Limit"/> is the page size.</param>
    /// <param name="cursor">The cursor a previous page printed, or null.</param>
    /// <param name="allowScan">Passed to the live query.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<QueryPage> RunAsync(EntryFilter filter, string? cursor, bool allowScan, CancellationToken cancellationToken)
    {
        if (filter.InputFingerprint is not null)
        {
            throw new CliException(ExitCodes.BadInput,
                "--same-input: archived decisions keep no input fingerprint, so --same-input cannot search the archive; drop --include-archive, or search the archive with --where on input fields.");
        }

        long? before = filter.BeforeSeq;
        if (cursor is not null)
        {
            long fromCursor = ArchiveQueryCursor.Decode(cursor, filter);
            before = before is { } raw ? Math.Min(raw, fromCursor) : fromCursor;
        }

        EntryFilter bounded = filter with { BeforeSeq = before };
        var merged = new SortedDictionary<long, StoredEntry>(Comparer<long>.Create((a, b) => b.CompareTo(a)));
        var archivedSeqs = new HashSet<long>();
        var archivedPaths = new HashSet<string>(StringComparer.Ordinal);
        List<string> unknownLive = await PathsUnknownLiveAsync(filter, cancellationToken).ConfigureAwait(false);
        foreach (IArchiveDestination archive in archives)
        {
            using ArchiveFiles files = await ArchiveFiles.OpenAsync(archive, filter.ModelName, filter.From, filter.To, cancellationToken).ConfigureAwait(false);
            using ArchiveDatabase database = ArchiveDatabase.Open(files);
            archivedPaths.UnionWith(unknownLive.Where(path => ArchiveEntryQuery.HasPath(database, filter.Where.First(p => p.Path.Text == path).Path)));
            foreach (StoredEntry entry in ArchiveEntryQuery.Run(database, bounded, filter.Limit + 1))
            {
                merged[entry.Seq] = entry;
                archivedSeqs.Add(entry.Seq);
            }
        }

        // A field the live ledger never saw matches nothing live; one that neither side holds is a
        // typo, which the live engine reports with its hints.
        QueryPage live = new([], null);
        if (unknownLive.Count == 0 || !unknownLive.All(archivedPaths.Contains))
        {
            live = await new LedgerQuery(store).RunAsync(bounded, cursor: null, allowScan, cancellationToken).ConfigureAwait(false);
        }

        foreach (StoredEntry entry in live.Entries)
        {
            merged[entry.Seq] = entry;
            archivedSeqs.Remove(entry.Seq);
        }

        List<StoredEntry> page = [.. merged.Values.Take(filter.Limit)];
        ArchivedShown = page.Count(e => archivedSeqs.Contains(e.Seq));

        // More exist when the merge overflowed the page, or the live store had more below its page.
        bool more = merged.Count > filter.Limit || live.NextCursor is not null;
        string? next = more && page.Count > 0 ? ArchiveQueryCursor.Encode(page[^1].Seq, filter) : null;
        return new QueryPage(page, next);
    }

    private async Task<List<string>> PathsUnknownLiveAsync(EntryFilter filter, CancellationToken cancellationToken)
    {
        if (filter.Where.Count == 0)
        {
            return [];
        }

        IReadOnlyList<string> known = await store.GetFieldPathsAsync(filter.ModelName, cancellationToken).ConfigureAwait(false);
        return [.. filter.Where.Select(p => p.Path.Text).Where(path => !known.Contains(path, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal)];
    }
}
