using DecisionLedger.Access;
using DecisionLedger.Storage;

namespace DecisionLedger.Reporting;

/// <summary>
/// Computes a <see cref="DataAccessReport"/> from one pass over the entries a checkpoint covers and
/// one over the access log. Memory grows with the number of distinct users, their models, and
/// distinct (user, subject) pairs at about 24 bytes each (<see cref="DistinctCounter"/>); not with
/// the number of entries. Decisions without <c>actor.userId</c> belong to no user and are not listed.
/// </summary>
public sealed class DataAccessReportBuilder
{
    private readonly DataAccessFilters _filters;
    private readonly Dictionary<string, Line> _users = new(StringComparer.Ordinal);

    /// <summary>Creates a builder.</summary>
    /// <param name="filters">The user and time range; null for everyone at any time.</param>
    public DataAccessReportBuilder(DataAccessFilters? filters = null)
    {
        _filters = filters ?? new DataAccessFilters(null, null, null);
    }

    /// <summary>Reads every entry <paramref name="checkpoint"/> covers and every access record, and returns the report.</summary>
    /// <param name="store">An opened store.</param>
    /// <param name="accessLog">The ledger's access log.</param>
    /// <param name="checkpoint">The verified checkpoint to report against.</param>
    /// <param name="progress">Receives the number of entries scanned; optional.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The report.</returns>
    /// <exception cref="InvalidDataException">An access log line is not a record.</exception>
    /// <exception cref="LedgerStoreException">The store cannot be read.</exception>
    public async Task<DataAccessReport> CreateAsync(ILedgerStore store, AccessLog accessLog, ReportCheckpoint checkpoint, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(accessLog);
        ArgumentNullException.ThrowIfNull(checkpoint);
        await foreach (StoredEntry entry in EntryScan.ReadAsync(store, checkpoint.TreeSize, progress, cancellationToken).ConfigureAwait(false))
        {
            Add(entry);
        }

        await foreach (AccessRecord record in accessLog.ReadAsync(null, cancellationToken).ConfigureAwait(false))
        {
            Add(record);
        }

        return Build(checkpoint);
    }

    /// <summary>Counts a decision for its user.</summary>
    internal void Add(StoredEntry entry)
    {
        EntryColumns c = entry.Columns;
        if (!EntryScan.IsDecision(entry) || c.UserId is null || !Selected(c.UserId, c.Timestamp))
        {
            return;
        }

        Line line = LineOf(c.UserId);
        line.Decisions++;
        if (c.SubjectId is not null)
        {
            line.Subjects.Add(c.SubjectId);
        }

        line.Models.Add(c.ModelName);
        line.Seen(c.Timestamp);
    }

    /// <summary>Counts a read for its key's name (its id when unnamed).</summary>
    internal void Add(AccessRecord record)
    {
        string user = AccessLogReportRecord.UserOf(record);
        if (!Selected(user, record.Time))
        {
            return;
        }

        Line line = LineOf(user);
        line.Viewed += record.RequestIds.Count;
        line.Seen(record.Time);
    }

    /// <summary>The report of everything added so far.</summary>
    internal DataAccessReport Build(ReportCheckpoint checkpoint) =>
        new(checkpoint, _filters, _users
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new DataAccessUser(p.Key, p.Value.Decisions, p.Value.Subjects.Count, p.Value.Models.ToArray(), p.Value.First, p.Value.Last, p.Value.Viewed))
            .ToArray());

    private bool Selected(string user, DateTimeOffset time) =>
        (_filters.User is null || string.Equals(_filters.User, user, StringComparison.Ordinal)) && EntryScan.InRange(time, _filters.From, _filters.To);

    private Line LineOf(string user)
    {
        if (!_users.TryGetValue(user, out Line? line))
        {
            line = new Line();
            _users[user] = line;
        }

        return line;
    }

    private sealed class Line
    {
        public long Decisions { get; set; }

        public long Viewed { get; set; }

        public DistinctCounter Subjects { get; } = new();

        public SortedSet<string> Models { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? First { get; private set; }

        public DateTimeOffset? Last { get; private set; }

        public void Seen(DateTimeOffset time)
        {
            First = First is { } f && f <= time ? f : time;
            Last = Last is { } l && l >= time ? l : time;
        }
    }
}
