using DecisionLedger.Storage;

namespace DecisionLedger.Reporting;

/// <summary>
/// Computes a <see cref="VersionTimelineReport"/> in one ascending pass. Memory grows with the number
/// of version changes, not of entries, and is capped at <see cref="MaxPeriods"/> periods.
/// </summary>
public sealed class VersionTimelineBuilder
{
    /// <summary>The most periods a timeline holds (100,000); a model whose versions alternate more often is refused with an explanation.</summary>
    public const int MaxPeriods = 100_000;

    private readonly string _model;
    private readonly DateTimeOffset? _at;
    private readonly List<VersionPeriod> _periods = [];
    private readonly List<VersionChange> _changes = [];
    private VersionPeriod? _current;
    private (DateTimeOffset Timestamp, string Version)? _atCandidate;

    /// <summary>Creates a builder for <paramref name="model"/>.</summary>
    /// <param name="model">The exact model name.</param>
    /// <param name="at">A time to answer "which version served then?" for; optional.</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public VersionTimelineBuilder(string model, DateTimeOffset? at = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        _model = model;
        _at = at;
    }

    /// <summary>Reads every entry <paramref name="checkpoint"/> covers and returns the timeline.</summary>
    /// <param name="store">An opened store.</param>
    /// <param name="checkpoint">The verified checkpoint to report against.</param>
    /// <param name="progress">Receives the number of entries scanned; optional.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The timeline.</returns>
    /// <exception cref="InvalidOperationException">The model changed version more than <see cref="MaxPeriods"/> times.</exception>
    /// <exception cref="LedgerStoreException">The store cannot be read.</exception>
    public async Task<VersionTimelineReport> CreateAsync(ILedgerStore store, ReportCheckpoint checkpoint, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(checkpoint);
        await foreach (StoredEntry entry in EntryScan.ReadAsync(store, checkpoint.TreeSize, progress, cancellationToken).ConfigureAwait(false))
        {
            Add(entry);
        }

        return Build(checkpoint);
    }

    /// <summary>Adds <paramref name="entry"/>; entries must come in ascending <c>seq</c>.</summary>
    internal void Add(StoredEntry entry)
    {
        EntryColumns c = entry.Columns;
        if (!EntryScan.IsDecision(entry) || !string.Equals(c.ModelName, _model, StringComparison.Ordinal))
        {
            return;
        }

        if (_at is { } at && c.Timestamp <= at && (_atCandidate is not { } best || c.Timestamp >= best.Timestamp))
        {
            _atCandidate = (c.Timestamp, c.ModelVersion);
        }

        if (_current is { } current && string.Equals(current.Version, c.ModelVersion, StringComparison.Ordinal))
        {
            _current = current with
            {
                From = current.From <= c.Timestamp ? current.From : c.Timestamp,
                To = current.To >= c.Timestamp ? current.To : c.Timestamp,
                Count = current.Count + 1,
                LastSeq = entry.Seq,
            };
            return;
        }

        if (_current is not null)
        {
            if (_periods.Count + 1 >= MaxPeriods)
            {
                throw new InvalidOperationException($"model '{_model}': its version changed more than {MaxPeriods} times in seq order (interleaved versions, e.g. a canary); the timeline would not be readable. Use the usage report's versions and over-time counts instead.");
            }

            _periods.Add(_current);
            _changes.Add(new VersionChange(c.Timestamp, entry.Seq, _current.Version, c.ModelVersion));
        }

        _current = new VersionPeriod(c.ModelVersion, c.Timestamp, c.Timestamp, 1, entry.Seq, entry.Seq);
    }

    /// <summary>The timeline of everything added so far.</summary>
    internal VersionTimelineReport Build(ReportCheckpoint checkpoint)
    {
        var periods = new List<VersionPeriod>(_periods);
        if (_current is not null)
        {
            periods.Add(_current);
        }

        return new VersionTimelineReport(checkpoint, _model, _at, _atCandidate?.Version, periods, _changes.ToArray());
    }
}
