using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Archiving;

/// <summary>
/// Picks the next closed range to archive: from the seq after the last archived range, every entry
/// while each decision is due, up to the last full level-0 tile under the newest signed checkpoint
/// (so every archived leaf stays in a stored tile). Event entries inside the range stay live.
/// </summary>
public static class ArchivePlanner
{
    /// <summary>The most decision entries one run archives by default: bounds the memory a run holds.</summary>
    public const int DefaultMaxDecisions = 200_000;

    /// <summary>Plans the next archive run.</summary>
    /// <param name="store">The live store.</param>
    /// <param name="ranges">The store's archived ranges.</param>
    /// <param name="isDue">Whether a decision entry is due for archiving (its columns); the range stops before the first that is not.</param>
    /// <param name="maxDecisions">The most decision entries to take; at least 1.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The plan, or <see langword="null"/> when nothing is due (or no signed checkpoint covers a full tile).</returns>
    public static async ValueTask<ArchivePlan?> PlanAsync(
        ILedgerStore store,
        IArchivedRangeStore ranges,
        Func<EntryColumns, bool> isDue,
        int maxDecisions = DefaultMaxDecisions,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(isDue);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDecisions, 1);

        StoredCheckpoint? checkpoint = await store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (checkpoint is null)
        {
            return null;
        }

        long limit = checkpoint.TreeSize - (checkpoint.TreeSize % Tile.Width);
        IReadOnlyList<ArchivedRange> archived = await ranges.ReadArchivedRangesAsync(cancellationToken).ConfigureAwait(false);
        long start = archived.Count == 0 ? 0 : archived.Max(r => r.LastSeq) + 1;
        if (start >= limit)
        {
            return null;
        }

        var rows = new List<(StoredEntry Entry, EntryColumns Columns)>();
        long last = start - 1;
        await foreach (StoredEntry entry in store.ReadEntriesAsync(start, limit, cancellationToken).ConfigureAwait(false))
        {
            if (!string.Equals(entry.Columns.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal))
            {
                last = entry.Seq;
                continue;
            }

            if (rows.Count >= maxDecisions || !isDue(entry.Columns))
            {
                break;
            }

            rows.Add((entry, entry.Columns));
            last = entry.Seq;
        }

        if (rows.Count == 0)
        {
            return null;
        }

        // A range ends on its last decision: trailing events would otherwise sit in a range no file covers.
        last = rows[^1].Entry.Seq;
        var inputs = new Dictionary<long, StoredInput>();
        await foreach (StoredInput input in store.ReadInputsAsync(start, last + 1, cancellationToken).ConfigureAwait(false))
        {
            inputs[input.Seq] = input;
        }

        var groups = rows
            .Select(r => ToRow(r.Entry, inputs.GetValueOrDefault(r.Entry.Seq)))
            .GroupBy(r => (r.Model, Month: ArchivePaths.Month(DateTimeOffset.UnixEpoch.AddTicks(r.Timestamp * 10))))
            .Select(g => new ArchivePlanGroup(g.Key.Model, g.Key.Month, g.OrderBy(r => r.Seq).ToList()))
            .OrderBy(g => g.File, StringComparer.Ordinal)
            .ToList();
        return new ArchivePlan(start, last, checkpoint.TreeSize, groups);
    }

    private static ArchiveRow ToRow(StoredEntry entry, StoredInput? input)
    {
        EntryColumns columns = entry.Columns;
        long micros = (columns.Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return new ArchiveRow(
            entry.Seq,
            columns.RequestId,
            micros,
            string.IsNullOrEmpty(columns.ModelName) ? null : columns.ModelName,
            string.IsNullOrEmpty(columns.ModelVersion) ? null : columns.ModelVersion,
            columns.SubjectId,
            entry.CanonicalBytes,
            input?.Input is { Length: > 0 } bytes ? bytes : null,
            input?.Salt is { Length: > 0 } salt ? salt : null);
    }
}
