using System.Globalization;
using System.Text.Json;
using DecisionLedger.Entries;
using DecisionLedger.Storage;

namespace DecisionLedger.Archiving;

/// <summary>
/// What the ledger itself says about its archives: every file its <c>archived</c> event entries
/// commit to (path, rows, SHA-256, destination), with the digests an erasure rewrite
/// (<c>archive-rewrite</c> event) replaced, and the seq ranges whose decision bodies live there.
/// </summary>
/// <remarks>
/// Built from the event entries, which never leave the live store and are covered by leaves and
/// signed roots, never from the store's <c>archived_ranges</c> bookkeeping: an attacker who edits an
/// event changes a leaf, which verification reports at the event's seq.
/// </remarks>
public sealed class ArchiveCatalog
{
    /// <summary>The kind of the event that commits to the new digests of archive files an erasure rewrote.</summary>
    public const string RewriteKind = LedgerEvent.ArchiveRewriteKind;

    private readonly List<ArchiveCatalogFile> _files;
    private readonly List<ArchivedRange> _ranges;
    private readonly List<ExpiredCatalogFile> _expired;

    private ArchiveCatalog(List<ArchiveCatalogFile> files, List<ArchivedRange> ranges, List<(long Seq, string Detail)> problems, List<ExpiredCatalogFile> expired)
    {
        _files = files;
        _ranges = ranges;
        _expired = expired;
        Problems = problems;
    }

    /// <summary>A catalog of a ledger that archived nothing.</summary>
    public static ArchiveCatalog Empty { get; } = new([], [], [], []);

    /// <summary>Every archive file the ledger commits to and has not expired, by first seq then path.</summary>
    public IReadOnlyList<ArchiveCatalogFile> Files => _files;

    /// <summary>Every archive file an <c>archive-expiry</c> event deleted by the retention policy, by first seq then path.</summary>
    public IReadOnlyList<ExpiredCatalogFile> Expired => _expired;

    /// <summary>The expired file whose span covers <paramref name="seq"/>, or null. Event entries inside the span stay live: ask the live store first.</summary>
    /// <param name="seq">The seq.</param>
    /// <returns>The expired file, or null.</returns>
    public ExpiredCatalogFile? ExpiryOf(long seq) => _expired.FirstOrDefault(e => e.Spans(seq));

    /// <summary>The expired file <paramref name="file"/> in <paramref name="destination"/>, or null.</summary>
    /// <param name="destination">The destination's description.</param>
    /// <param name="file">The relative path.</param>
    /// <returns>The expired file, or null.</returns>
    public ExpiredCatalogFile? FindExpired(string destination, string file) =>
        _expired.FirstOrDefault(e => string.Equals(e.File.Destination, destination, StringComparison.Ordinal) && string.Equals(e.File.File, file, StringComparison.Ordinal));

    /// <summary>Every archived range, by first seq.</summary>
    public IReadOnlyList<ArchivedRange> Ranges => _ranges;

    /// <summary>True when the ledger archived nothing.</summary>
    public bool IsEmpty => _ranges.Count == 0;

    /// <summary>Rewrite events that do not chain onto the digest they claim to replace: the event's seq and a sentence.</summary>
    internal IReadOnlyList<(long Seq, string Detail)> Problems { get; }

    /// <summary>Whether <paramref name="seq"/> lies in an archived range.</summary>
    /// <param name="seq">The seq.</param>
    /// <returns>True when an <c>archived</c> event's range covers it.</returns>
    public bool Covers(long seq) => RangeOf(seq) is not null;

    /// <summary>The archived range covering <paramref name="seq"/>, or null.</summary>
    /// <param name="seq">The seq.</param>
    /// <returns>The range, or null.</returns>
    public ArchivedRange? RangeOf(long seq)
    {
        foreach (ArchivedRange range in _ranges)
        {
            if (seq >= range.FirstSeq && seq <= range.LastSeq)
            {
                return range;
            }
        }

        return null;
    }

    /// <summary>Whether some archived range overlaps [<paramref name="fromSeq"/>, <paramref name="toSeq"/>).</summary>
    /// <param name="fromSeq">The first seq.</param>
    /// <param name="toSeq">One past the last seq.</param>
    /// <returns>True when an archived range overlaps the interval.</returns>
    public bool Overlaps(long fromSeq, long toSeq) => _ranges.Any(r => r.FirstSeq < toSeq && r.LastSeq >= fromSeq);

    /// <summary>The files whose seq span overlaps [<paramref name="fromSeq"/>, <paramref name="toSeq"/>).</summary>
    /// <param name="fromSeq">The first seq.</param>
    /// <param name="toSeq">One past the last seq.</param>
    /// <returns>The files, by first seq.</returns>
    public IEnumerable<ArchiveCatalogFile> FilesOverlapping(long fromSeq, long toSeq) =>
        _files.Where(f => f.FirstSeq < toSeq && f.LastSeq >= fromSeq);

    /// <summary>Reads the catalog from the ledger's <c>archived</c> and <c>archive-rewrite</c> event entries.</summary>
    /// <param name="store">The opened store (the live one; events never leave it).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The catalog; <see cref="Empty"/> when nothing was archived.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async ValueTask<ArchiveCatalog> LoadAsync(ILedgerStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var events = new List<StoredEntry>();
        foreach (string kind in new[] { LedgerEvent.ArchivedKind, RewriteKind, LedgerEvent.ArchiveExpiryKind })
        {
            await foreach (StoredEntry entry in store.QueryAsync(new EntryFilter { Kind = kind, Limit = int.MaxValue }, cancellationToken).ConfigureAwait(false))
            {
                events.Add(entry);
            }
        }

        if (events.Count == 0)
        {
            return Empty;
        }

        events.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        return FromEvents(events.Select(static e => (e.Seq, e.CanonicalBytes)));
    }

    /// <summary>Builds the catalog from event entries in seq order.</summary>
    /// <param name="events">The <c>archived</c>, <c>archive-rewrite</c> and <c>archive-expiry</c> entries' seqs and canonical bytes, ascending.</param>
    /// <returns>The catalog.</returns>
    internal static ArchiveCatalog FromEvents(IEnumerable<(long Seq, byte[] Bytes)> events)
    {
        var files = new Dictionary<string, ArchiveCatalogFile>(StringComparer.Ordinal);
        var ranges = new List<ArchivedRange>();
        var problems = new List<(long Seq, string Detail)>();
        var expired = new List<ExpiredCatalogFile>();
        foreach ((long seq, byte[] bytes) in events)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(bytes);
                JsonElement root = document.RootElement;
                string? kind = root.TryGetProperty("kind", out JsonElement k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                if (!root.TryGetProperty("event", out JsonElement body))
                {
                    continue;
                }

                if (kind == LedgerEvent.ArchivedKind)
                {
                    ArchivedEvent archived = ArchivedEventJson.ReadBody(body);
                    ranges.Add(new ArchivedRange(archived.FirstSeq, archived.LastSeq, seq, archived.Destination));
                    foreach (ArchivedFile file in archived.Files)
                    {
                        (long first, long last) = SpanOf(file.File, archived.FirstSeq, archived.LastSeq);
                        files[Key(archived.Destination, file.File)] = new ArchiveCatalogFile(file.File, file.Rows, file.Sha256, archived.Destination, seq, first, last, null);
                    }
                }
                else if (kind == RewriteKind)
                {
                    ArchiveRewriteEvent rewrite = ArchiveRewriteEvent.ReadBody(body);
                    foreach (ArchiveRewrittenFile file in rewrite.Files)
                    {
                        string key = Key(rewrite.Destination, file.File);
                        if (!files.TryGetValue(key, out ArchiveCatalogFile? current))
                        {
                            problems.Add((seq, $"The archive-rewrite event at seq {seq} rewrites '{file.File}' in {rewrite.Destination}, which no earlier archived event lists."));
                            continue;
                        }

                        if (!string.Equals(current.Sha256, file.Previous, StringComparison.Ordinal))
                        {
                            problems.Add((seq, $"The archive-rewrite event at seq {seq} replaces digest {file.Previous} of '{file.File}', but the ledger committed to {current.Sha256} for it: the rewrite does not follow the file's history."));
                            continue;
                        }

                        files[key] = current with { Rows = file.Rows, Sha256 = file.Sha256, RewrittenAt = seq };
                    }
                }
                else if (kind == LedgerEvent.ArchiveExpiryKind)
                {
                    Expire(seq, Retention.ArchiveExpiryEvent.ReadBody(body), TimestampOf(root), files, expired, problems);
                }
            }
            catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
            {
                // An event that cannot be read is reported by verification at its own seq (its leaf, its form).
            }
        }

        List<ArchiveCatalogFile> list = [.. files.Values.OrderBy(static f => f.FirstSeq).ThenBy(static f => f.File, StringComparer.Ordinal)];
        ranges.Sort(static (a, b) => a.FirstSeq.CompareTo(b.FirstSeq));
        expired.Sort(static (a, b) => a.File.FirstSeq != b.File.FirstSeq ? a.File.FirstSeq.CompareTo(b.File.FirstSeq) : string.CompareOrdinal(a.File.File, b.File.File));
        return new ArchiveCatalog(list, ranges, problems, expired);
    }

    // An expired file leaves the list of files to read; one the ledger never committed to (or committed
    // to with another digest) stays where it was and the event is reported at its seq.
    private static void Expire(long seq, Retention.ArchiveExpiryEvent expiry, DateTimeOffset at, Dictionary<string, ArchiveCatalogFile> files, List<ExpiredCatalogFile> expired, List<(long Seq, string Detail)> problems)
    {
        foreach (Retention.ExpiredArchiveFile file in expiry.Files)
        {
            string key = Key(file.Destination, file.File);
            if (!files.TryGetValue(key, out ArchiveCatalogFile? current))
            {
                problems.Add((seq, $"The archive-expiry event at seq {seq} deletes '{file.File}' in {file.Destination}, which no earlier archived event lists (or an earlier archive-expiry already deleted)."));
                continue;
            }

            if (!string.Equals(current.Sha256, file.Sha256, StringComparison.Ordinal) || current.Rows != file.Rows)
            {
                problems.Add((seq, $"The archive-expiry event at seq {seq} deletes '{file.File}' in {file.Destination} with digest {file.Sha256} ({file.Rows} rows), but the ledger committed to {current.Sha256} ({current.Rows} rows) for it: the expiry does not follow the file's history."));
                continue;
            }

            files.Remove(key);
            expired.Add(new ExpiredCatalogFile(current, seq, at));
        }
    }

    private static DateTimeOffset TimestampOf(JsonElement root) =>
        root.TryGetProperty("timestamp", out JsonElement t) && t.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset at)
            ? at
            : DateTimeOffset.MinValue;

    /// <summary>The catalog entry of <paramref name="file"/> in <paramref name="destination"/>, or null.</summary>
    /// <param name="destination">The destination's description.</param>
    /// <param name="file">The relative path.</param>
    /// <returns>The entry, or null.</returns>
    public ArchiveCatalogFile? Find(string destination, string file) =>
        _files.FirstOrDefault(f => string.Equals(f.Destination, destination, StringComparison.Ordinal) && string.Equals(f.File, file, StringComparison.Ordinal));

    /// <summary>
    /// The seq span a file's name states (<c>…/&lt;first:D12&gt;-&lt;last:D12&gt;.parquet</c>); the
    /// event's range when the name does not state one.
    /// </summary>
    internal static (long First, long Last) SpanOf(string file, long rangeFirst, long rangeLast)
    {
        string name = file[(file.LastIndexOf('/') + 1)..];
        if (name.EndsWith(ArchivePaths.FileExtension, StringComparison.Ordinal))
        {
            string[] parts = name[..^ArchivePaths.FileExtension.Length].Split('-');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long first)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long last)
                && first <= last)
            {
                return (first, last);
            }
        }

        return (rangeFirst, rangeLast);
    }

    private static string Key(string destination, string file) => destination + "\n" + file;
}
