using DecisionLedger.Archiving;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// The seq spans of archive files the retention policy deleted (<c>archive-expiry</c> events). Their
/// decisions have no bytes left to hash: verification stands in a placeholder for each seq of a span
/// the live store does not hold, takes its leaf from the live tile (so the tree and every signed root
/// still verify), counts them, and checks that each file's span lacks exactly the file's row count (an
/// event entry deleted inside a span would make one more).
/// </summary>
internal sealed class ExpiredSpans
{
    // A marker array: placeholders are recognised by reference, never by content.
    private static readonly byte[] s_placeholderBytes = [];
    private static readonly EntryColumns s_placeholderColumns = new(string.Empty, DateTimeOffset.UnixEpoch, string.Empty, string.Empty, null, null, null, null);

    private readonly List<ExpiredCatalogFile> _files;

    // Files of different models interleave their seqs, so spans overlap: the row counts are checked per
    // cluster of overlapping spans, each placeholder counted once in the cluster holding its seq.
    private readonly List<Cluster> _clusters = [];

    /// <summary>Wraps the catalog's expired files.</summary>
    public ExpiredSpans(IReadOnlyList<ExpiredCatalogFile> files)
    {
        _files = [.. files];
        foreach (ExpiredCatalogFile file in _files.OrderBy(f => f.File.FirstSeq))
        {
            if (_clusters.Count > 0 && file.File.FirstSeq <= _clusters[^1].LastSeq)
            {
                _clusters[^1].Add(file);
            }
            else
            {
                _clusters.Add(new Cluster(file));
            }
        }
    }

    /// <summary>The decisions accepted as expired (placeholders whose tile leaf entered the tree).</summary>
    public long Decisions { get; private set; }

    /// <summary>The number of expired files.</summary>
    public int Files => _files.Count;

    /// <summary>The seqs of the <c>archive-expiry</c> events, ascending.</summary>
    public IReadOnlyList<long> EventSeqs => [.. _files.Select(f => f.ExpiryEventSeq).Distinct().Order()];

    /// <summary>Whether <paramref name="entry"/> is a placeholder made by <see cref="FillGaps"/>.</summary>
    public static bool IsPlaceholder(StoredEntry entry) => ReferenceEquals(entry.CanonicalBytes, s_placeholderBytes);

    /// <summary>Inserts, in seq order, a placeholder for every seq of [<paramref name="start"/>, <paramref name="end"/>) inside an expired span that <paramref name="entries"/> (the store's rows) lacks.</summary>
    /// <returns>The entries with the placeholders, or <paramref name="entries"/> itself when no span overlaps.</returns>
    public List<StoredEntry> FillGaps(List<StoredEntry> entries, long start, long end)
    {
        if (!_files.Any(f => f.File.FirstSeq < end && f.File.LastSeq >= start))
        {
            return entries;
        }

        var held = new HashSet<long>(entries.Select(e => e.Seq));
        var filled = new List<StoredEntry>(entries.Count);
        int next = 0;
        for (long seq = start; seq < end; seq++)
        {
            while (next < entries.Count && entries[next].Seq <= seq)
            {
                filled.Add(entries[next++]);
            }

            if (!held.Contains(seq) && _files.Any(f => f.Spans(seq)))
            {
                filled.Add(new StoredEntry(seq, s_placeholderBytes, default, s_placeholderColumns));
            }
        }

        filled.AddRange(entries.Skip(next));
        return filled;
    }

    /// <summary>Counts one placeholder the classifier accepted at <paramref name="seq"/>.</summary>
    public void Accepted(long seq)
    {
        Decisions++;
        foreach (Cluster cluster in _clusters)
        {
            if (seq >= cluster.FirstSeq && seq <= cluster.LastSeq)
            {
                cluster.Placeholders++;
                return;
            }
        }
    }

    /// <summary>
    /// Called once the pass reached <paramref name="treeSize"/>: the first group of expired files, wholly
    /// inside the verified tree, whose spans lack more or fewer entries than the files had rows.
    /// </summary>
    public TamperFinding? Complete(long treeSize)
    {
        foreach (Cluster cluster in _clusters)
        {
            if (cluster.LastSeq < treeSize && cluster.Placeholders != cluster.Rows)
            {
                ExpiredCatalogFile first = cluster.Files[0];
                string files = string.Join(", ", cluster.Files.Select(f => f.File.File));
                return new TamperFinding(cluster.FirstSeq, TamperKind.EntryDeleted,
                    $"The archive file(s) {files} in {first.File.Destination} held {cluster.Rows} decisions of seqs {cluster.FirstSeq}-{cluster.LastSeq} and were deleted by the retention policy (archive-expiry event seq {first.ExpiryEventSeq}), but {cluster.Placeholders} seqs of that span have no entry: the event entries and other models' decisions of the span stay readable, so an entry there was deleted.");
            }
        }

        return null;
    }

    private sealed class Cluster
    {
        public Cluster(ExpiredCatalogFile file)
        {
            FirstSeq = file.File.FirstSeq;
            Add(file);
        }

        public long FirstSeq { get; }

        public long LastSeq { get; private set; } = -1;

        public long Rows { get; private set; }

        public long Placeholders { get; set; }

        public List<ExpiredCatalogFile> Files { get; } = [];

        public void Add(ExpiredCatalogFile file)
        {
            Files.Add(file);
            Rows += file.File.Rows;
            LastSeq = Math.Max(LastSeq, file.File.LastSeq);
        }
    }
}
