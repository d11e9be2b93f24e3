using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// Checks the rows of a store's derived tables (<see cref="IDerivedTableStore"/>) against the
/// entries they were derived from: one range read per table and page, done while the page is
/// loaded (in parallel), so the check adds no query per entry and no second pass.
/// </summary>
/// <remarks>
/// A row is compared with what its columns must be for the entry's stored columns. Those were
/// checked against the entry's bytes in the same page (a mismatch there is reported first, at the
/// same <c>seq</c>), so a row that agrees with them agrees with the entry.
/// </remarks>
internal static class DerivedRowCheck
{
    /// <summary>
    /// Reads every derived table's rows over [<paramref name="start"/>, <paramref name="end"/>) and
    /// returns, per entry of <paramref name="entries"/>, the finding's sentence for its first wrong
    /// or missing derived row; null when every row matched (or the store keeps no derived tables).
    /// </summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async Task<string?[]?> CheckPageAsync(ILedgerStore store, long start, long end, List<StoredEntry> entries, CancellationToken cancellationToken)
    {
        if (store is not IDerivedTableStore derived || entries.Count == 0)
        {
            return null;
        }

        string?[]? found = null;

        // Archived decisions leave the live store with their derived rows; their own columns are checked against the entry instead.
        Archiving.ArchiveCatalog? archived = (store as Archiving.ArchiveBackedLedgerStore)?.Catalog;
        foreach (IDerivedTable table in derived.DerivedTables)
        {
            DerivedRows rows = await table.ReadRowsAsync(start, end, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < entries.Count; i++)
            {
                if (found?[i] is null && Compare(table, rows, entries[i], archived) is { } mismatch)
                {
                    found ??= new string?[entries.Count];
                    found[i] = mismatch;
                }
            }
        }

        return found;
    }

    /// <summary>After every entry verified: the first derived row that belongs to no entry, as a finding, or null.</summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async ValueTask<TamperFinding?> FindStrayRowAsync(ILedgerStore store, long entryCount, CancellationToken cancellationToken)
    {
        if (store is not IDerivedTableStore derived)
        {
            return null;
        }

        foreach (IDerivedTable table in derived.DerivedTables)
        {
            if (await table.FindStrayRowAsync(entryCount, cancellationToken).ConfigureAwait(false) is { } stray)
            {
                return new TamperFinding(stray.Seq, TamperKind.IndexMismatch, $"The store's '{stray.Column}' column: {stray.Detail}");
            }
        }

        return null;
    }

    private static string? Compare(IDerivedTable table, DerivedRows rows, StoredEntry entry, Archiving.ArchiveCatalog? archived)
    {
        int row = rows.IndexOf(entry.Seq);
        if (row < 0)
        {
            return entry.Seq < rows.RequiredBelow && !(archived?.Covers(entry.Seq) == true && entry.Columns.Kind == EntryColumns.DecisionKind)
                ? $"The store's '{table.Name}' table has no row for seq {entry.Seq}, though every entry below seq {rows.RequiredBelow} must have one: the row was deleted (or its 'seq' column edited), so queries and lookups through '{table.Name}' miss the entry. The entry's own bytes are intact."
                : null;
        }

        ReadOnlySpan<DerivedValue> stored = rows.Values(row);
        for (int c = 0; c < stored.Length; c++)
        {
            DerivedColumn column = table.Columns[c];
            DerivedValue expected = column.Derive(entry.Columns);
            if (stored[c] != expected)
            {
                return $"The store's '{table.Name}.{column.Name}' column of seq {entry.Seq} holds {stored[c]}, but the entry gives {expected}: the row was edited outside the ledger, so queries, lookups and erasure through '{table.Name}' give wrong answers. The entry's own bytes are intact.";
            }
        }

        return null;
    }
}
