using System.Text.Json;
using DecisionLedger.Storage;

namespace DecisionLedger.Reporting;

/// <summary>
/// Computes a <see cref="UsageReport"/> in one ascending pass over the entries a checkpoint covers.
/// Memory is bounded by what is reported, not by the number of entries: one latency histogram
/// (≤ ~1,750 buckets), one fingerprint per distinct user (<see cref="DistinctCounter"/>), at most
/// <see cref="MaxOutcomeValues"/> outcome values, and one counter per (time bucket, version).
/// </summary>
public sealed class UsageReportBuilder
{
    /// <summary>The most distinct outcome values counted separately (1,000); later new values count as <see cref="OutcomeCount.OtherValues"/>.</summary>
    public const int MaxOutcomeValues = 1000;

    private readonly UsageFilters _filters;
    private readonly TimeBucket _bucket;
    private readonly OutcomeField _outcome;
    private readonly LatencyHistogram _latency = new();
    private readonly DistinctCounter _users = new();
    private readonly Dictionary<string, (long Count, DateTimeOffset First, DateTimeOffset Last)> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<(DateTimeOffset Start, string Version), long> _overTime = [];
    private long _missingOutcome;
    private long _otherOutcomes;
    private long _total;
    private long _failures;
    private DateTimeOffset? _first;
    private DateTimeOffset? _last;

    /// <summary>Creates a builder for one model's usage.</summary>
    /// <param name="filters">The model (required), version and time range.</param>
    /// <param name="bucket">The width of the over-time buckets; default a day.</param>
    /// <param name="outcome">The field to count; default <c>output.label</c>.</param>
    /// <exception cref="ArgumentException">The model name is empty.</exception>
    public UsageReportBuilder(UsageFilters filters, TimeBucket bucket = TimeBucket.Day, OutcomeField? outcome = null)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentException.ThrowIfNullOrEmpty(filters.Model);
        _filters = filters;
        _bucket = bucket;
        _outcome = outcome ?? OutcomeField.Parse(OutcomeField.DefaultPath);
    }

    /// <summary>Reads every entry <paramref name="checkpoint"/> covers and returns the report.</summary>
    /// <param name="store">An opened store.</param>
    /// <param name="checkpoint">The verified checkpoint to report against.</param>
    /// <param name="progress">Receives the number of entries scanned (of the checkpoint's tree size); optional.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The report.</returns>
    /// <exception cref="InvalidDataException">A stored entry is not JSON; run <c>dledger verify</c>.</exception>
    /// <exception cref="LedgerStoreException">The store cannot be read.</exception>
    public async Task<UsageReport> CreateAsync(ILedgerStore store, ReportCheckpoint checkpoint, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(checkpoint);
        await foreach (StoredEntry entry in EntryScan.ReadAsync(store, checkpoint.TreeSize, progress, cancellationToken).ConfigureAwait(false))
        {
            Add(entry);
        }

        return Build(checkpoint);
    }

    /// <summary>Counts <paramref name="entry"/> if it is a decision the filters select.</summary>
    internal void Add(StoredEntry entry)
    {
        EntryColumns c = entry.Columns;
        if (!EntryScan.IsDecision(entry)
            || !string.Equals(c.ModelName, _filters.Model, StringComparison.Ordinal)
            || (_filters.Version is not null && !string.Equals(c.ModelVersion, _filters.Version, StringComparison.Ordinal))
            || !EntryScan.InRange(c.Timestamp, _filters.From, _filters.To))
        {
            return;
        }

        _total++;
        _first = _first is { } f && f <= c.Timestamp ? f : c.Timestamp;
        _last = _last is { } l && l >= c.Timestamp ? l : c.Timestamp;
        if (c.UserId is not null)
        {
            _users.Add(c.UserId);
        }

        _versions[c.ModelVersion] = _versions.TryGetValue(c.ModelVersion, out var v)
            ? (v.Count + 1, v.First <= c.Timestamp ? v.First : c.Timestamp, v.Last >= c.Timestamp ? v.Last : c.Timestamp)
            : (1, c.Timestamp, c.Timestamp);
        var key = (BucketStart(c.Timestamp), c.ModelVersion);
        _overTime[key] = _overTime.GetValueOrDefault(key) + 1;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(entry.CanonicalBytes);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"seq {entry.Seq}: the stored entry is not JSON ({exception.Message}); run 'dledger verify' on the ledger.", exception);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("output", out JsonElement output) && output.ValueKind == JsonValueKind.Object && output.TryGetProperty("error", out _))
            {
                _failures++;
            }

            if (root.TryGetProperty("latencyMs", out JsonElement latency) && latency.ValueKind == JsonValueKind.Number)
            {
                _latency.Add(latency.GetDouble());
            }

            CountOutcome(_outcome.Read(root));
        }
    }

    /// <summary>The report of everything added so far.</summary>
    internal UsageReport Build(ReportCheckpoint checkpoint)
    {
        VersionUsage[] versions = _versions
            .Select(p => new VersionUsage(p.Key, p.Value.Count, p.Value.First, p.Value.Last))
            .OrderBy(v => v.First).ThenBy(v => v.Version, StringComparer.Ordinal)
            .ToArray();
        var outcomes = _outcomes.Select(p => new OutcomeCount(p.Key, p.Value)).ToList();
        if (_missingOutcome > 0)
        {
            outcomes.Add(new OutcomeCount(null, _missingOutcome));
        }

        if (_otherOutcomes > 0)
        {
            outcomes.Add(new OutcomeCount(OutcomeCount.OtherValues, _otherOutcomes));
        }

        OutcomeCount[] ordered = outcomes.OrderByDescending(o => o.Count).ThenBy(o => o.Value, StringComparer.Ordinal).ToArray();
        UsageBucket[] overTime = _overTime
            .Select(p => new UsageBucket(p.Key.Start, p.Key.Version, p.Value))
            .OrderBy(b => b.BucketStart).ThenBy(b => b.Version, StringComparer.Ordinal)
            .ToArray();
        var latency = new LatencySummary(_latency.Count, _latency.Mean, _latency.Quantile(0.50), _latency.Quantile(0.95), _latency.Quantile(0.99), _latency.Max);
        return new UsageReport(checkpoint, _filters, _bucket, _total, _failures, _first, _last, _users.Count, versions, _outcome.Path, ordered, latency, overTime);
    }

    private void CountOutcome(string? value)
    {
        if (value is null)
        {
            _missingOutcome++;
        }
        else if (_outcomes.TryGetValue(value, out long count))
        {
            _outcomes[value] = count + 1;
        }
        else if (_outcomes.Count < MaxOutcomeValues)
        {
            _outcomes[value] = 1;
        }
        else
        {
            _otherOutcomes++;
        }
    }

    private DateTimeOffset BucketStart(DateTimeOffset timestamp)
    {
        DateTime utc = timestamp.UtcDateTime;
        DateTime start = _bucket == TimeBucket.Hour ? new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc) : utc.Date;
        return new DateTimeOffset(start, TimeSpan.Zero);
    }
}
