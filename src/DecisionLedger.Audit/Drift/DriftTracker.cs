using System.Text.Json;
using DecisionLedger.Encryption;
using DecisionLedger.Reporting;
using DecisionLedger.Storage;

namespace DecisionLedger.Drift;

/// <summary>
/// Collects the values a <see cref="DriftSpec"/> compares, entry by entry in any order, and scores every
/// window against the baseline on demand. The report builder feeds it one checkpoint's entries; the
/// collector feeds it the entries each new checkpoint adds, so its figures equal a report's on the same data.
/// Memory holds every numeric value of the baseline and of the retained windows (the KS statistic is exact).
/// </summary>
public sealed class DriftTracker
{
    private readonly DriftSpec _spec;
    private readonly PathSamples[] _baseline;
    private readonly SortedDictionary<DateTimeOffset, (PathSamples[] Paths, long Decisions)> _windows = [];
    private DriftBinning[]? _binning;
    private long _baselineDecisions;

    /// <summary>Creates a tracker for <paramref name="spec"/>.</summary>
    /// <param name="spec">What to compare.</param>
    /// <param name="retainWindows">Keep only the newest this many windows (older ones are dropped as newer arrive); null keeps all.</param>
    public DriftTracker(DriftSpec spec, int? retainWindows = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (retainWindows is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(retainWindows), retainWindows, "retainWindows: keep at least one window.");
        }

        _spec = spec;
        RetainWindows = retainWindows;
        _baseline = NewSamples();
    }

    /// <summary>The spec.</summary>
    public DriftSpec Spec => _spec;

    /// <summary>How many windows are kept, or null for all.</summary>
    public int? RetainWindows { get; }

    /// <summary>Decisions of the model whose stored input could not be read for an <c>input.</c> path.</summary>
    public long InputsUnreadable { get; private set; }

    /// <summary>Adds <paramref name="entry"/> when it is a decision of the spec's model (and version) in the baseline or after it.</summary>
    /// <param name="entry">A stored entry.</param>
    /// <param name="input">Its stored input, when the spec reads inputs and one is held; null otherwise.</param>
    /// <exception cref="InvalidDataException">The entry, or its plaintext input, is not JSON.</exception>
    public void Add(StoredEntry entry, StoredInput? input)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EntryColumns c = entry.Columns;
        if (!EntryScan.IsDecision(entry)
            || !string.Equals(c.ModelName, _spec.Model, StringComparison.Ordinal)
            || (_spec.Version is not null && !string.Equals(c.ModelVersion, _spec.Version, StringComparison.Ordinal))
            || c.Timestamp < _spec.BaselineFrom)
        {
            return;
        }

        PathSamples[] target;
        if (c.Timestamp < _spec.BaselineTo)
        {
            target = _baseline;
            _baselineDecisions++;
            _binning = null;
        }
        else if (WindowSamples(_spec.WindowStart(c.Timestamp)!.Value) is { } window)
        {
            target = window;
        }
        else
        {
            return;
        }

        using JsonDocument document = Parse(entry.CanonicalBytes, entry.Seq, "entry");
        JsonDocument? inputDocument = null;
        try
        {
            if (_spec.ReadsInputs)
            {
                if (input is null || InputEncryption.IsEncrypted(input.Input))
                {
                    InputsUnreadable++;
                }
                else
                {
                    inputDocument = Parse(input.Input, entry.Seq, "stored input");
                }
            }

            for (int i = 0; i < _spec.Paths.Count; i++)
            {
                target[i].Add(_spec.Paths[i].Read(document.RootElement, inputDocument?.RootElement));
            }
        }
        finally
        {
            inputDocument?.Dispose();
        }
    }

    /// <summary>Scores every retained window against the baseline.</summary>
    /// <param name="checkpoint">The checkpoint whose entries were added.</param>
    /// <param name="rule">Flags windows; default <see cref="DriftAlertRule"/>'s defaults.</param>
    /// <returns>The report.</returns>
    public DriftReport Evaluate(ReportCheckpoint checkpoint, DriftAlertRule? rule = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        rule ??= new DriftAlertRule();
        _binning ??= [.. _spec.Paths.Select((p, i) => DriftBinning.Create(p.Path, _baseline[i], _spec.Bins, _spec.MaxCategories))];
        var windows = new List<DriftWindow>(_windows.Count);
        foreach ((DateTimeOffset start, (PathSamples[] paths, long decisions)) in _windows)
        {
            DriftPathResult[] results = [.. _binning.Select((b, i) => b.Compare(paths[i]))];
            DriftPathResult? worst = results.Where(r => r.Psi is not null).OrderByDescending(r => r.Psi).FirstOrDefault();
            windows.Add(new DriftWindow(start, start + _spec.Window, decisions, results, worst?.Path, rule.Flags(decisions, worst?.Psi)));
        }

        return new DriftReport(checkpoint, _spec, rule, _baselineDecisions, [.. _binning.Select(b => b.Baseline)], windows, InputsUnreadable);
    }

    private PathSamples[]? WindowSamples(DateTimeOffset start)
    {
        if (_windows.TryGetValue(start, out var window))
        {
            _windows[start] = (window.Paths, window.Decisions + 1);
            return window.Paths;
        }

        if (RetainWindows is { } retain && _windows.Count >= retain)
        {
            DateTimeOffset oldest = _windows.Keys.First();
            if (start < oldest)
            {
                // Older than every retained window: it was dropped already.
                return null;
            }

            _windows.Remove(oldest);
        }

        PathSamples[] samples = NewSamples();
        _windows[start] = (samples, 1);
        return samples;
    }

    private PathSamples[] NewSamples() => [.. _spec.Paths.Select(_ => new PathSamples())];

    private static JsonDocument Parse(byte[] bytes, long seq, string what)
    {
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"seq {seq}: the {what} is not JSON ({exception.Message}); run 'dledger verify' on the ledger.", exception);
        }
    }
}
