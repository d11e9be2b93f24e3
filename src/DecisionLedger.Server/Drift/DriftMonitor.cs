using DecisionLedger.Checkpoints;
using DecisionLedger.Drift;
using DecisionLedger.Reporting;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Drift;

/// <summary>
/// Computes drift continuously for the configured models: each run reads only the entries the newest signed
/// checkpoint added since the last run, scores every retained window, publishes the newest closed window of each
/// watched version as gauges, and raises one alert per closed window the rule flags (a structured log event, a
/// counter, and the webhook when configured). A window is closed once its end is past on the collector's clock.
/// </summary>
internal sealed partial class DriftMonitor : IDisposable
{
    private readonly DriftMonitorOptions _options;
    private readonly TimeProvider _time;
    private readonly DriftMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Watched[] _watched;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _fed;
    private volatile IReadOnlyList<DriftReport> _latest = [];

    public DriftMonitor(DriftMonitorOptions options, TimeProvider time, DriftMetrics metrics, ILogger logger, DriftWebhook? webhook = null)
    {
        options.Validate();
        _options = options;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        Webhook = webhook;
        _watched = [.. options.Watches.SelectMany((w, i) => w.Specs($"drift.models[{i}]").Select(spec => new Watched(new DriftTracker(spec, w.RetainWindows), w.Rule)))];
    }

    /// <summary>The webhook alerts are queued to, or null.</summary>
    public DriftWebhook? Webhook { get; }

    /// <summary>The reports of the last run, one per watched model version, in configuration order.</summary>
    public IReadOnlyList<DriftReport> Latest => _latest;

    /// <summary>The configured interval between runs.</summary>
    public TimeSpan Interval => _options.Interval;

    /// <summary>Reads what the newest checkpoint added, scores the windows and raises the alerts that are due.</summary>
    /// <param name="store">The ledger's store.</param>
    /// <param name="verifier">The ledger's checkpoint verifier.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The alerts raised by this run.</returns>
    /// <exception cref="NoteVerificationException">The newest checkpoint does not verify.</exception>
    public async Task<IReadOnlyList<DriftAlert>> RunOnceAsync(ILedgerStore store, NoteVerifier verifier, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false) is not { } latest)
            {
                return [];
            }

            ReportCheckpoint checkpoint = ReportCheckpoint.Open(latest.SignedNote, verifier);
            if (checkpoint.TreeSize > _fed)
            {
                await DriftReportBuilder.FeedAsync([.. _watched.Select(w => w.Tracker)], store, _fed, checkpoint.TreeSize, null, cancellationToken).ConfigureAwait(false);
                _fed = checkpoint.TreeSize;
            }

            DateTimeOffset now = _time.GetUtcNow();
            var alerts = new List<DriftAlert>();
            var reports = new DriftReport[_watched.Length];
            var newest = new (DriftReport, DriftWindow?)[_watched.Length];
            for (int i = 0; i < _watched.Length; i++)
            {
                Watched watched = _watched[i];
                DriftReport report = watched.Tracker.Evaluate(checkpoint, watched.Rule);
                reports[i] = report;
                DriftWindow[] closed = [.. report.Windows.Where(w => w.End <= now)];
                newest[i] = (report, closed.LastOrDefault());
                if (report.Windows.Count > 0)
                {
                    watched.Alerted.RemoveWhere(start => start < report.Windows[0].Start);
                }

                foreach (DriftWindow window in closed.Where(w => w.Flagged && watched.Alerted.Add(w.Start)))
                {
                    var alert = new DriftAlert(report.Spec.Model, report.Spec.Version, window, watched.Rule.PsiThreshold, checkpoint);
                    DriftPathResult worst = window.Paths.First(p => p.Path == window.WorstPath);
                    LogDrift(_logger, alert.Model, alert.VersionTag, window.Start, window.End, window.WorstPath!, worst.Psi!.Value, watched.Rule.PsiThreshold, window.Decisions, checkpoint.TreeSize);
                    _metrics.Alert(alert);
                    Webhook?.TryEnqueue(alert);
                    alerts.Add(alert);
                }
            }

            _metrics.Publish(newest);
            _latest = reports;
            return alerts;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Webhook?.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(EventId = 3070, Level = LogLevel.Warning, Message = "Drift alert: {Model} {Version}, window {WindowStart:O} to {WindowEnd:O}: {WorstPath} PSI {Psi:F4} over {Threshold} ({Decisions} decisions, checkpoint {TreeSize})")]
    private static partial void LogDrift(ILogger logger, string model, string version, DateTimeOffset windowStart, DateTimeOffset windowEnd, string worstPath, double psi, double threshold, long decisions, long treeSize);

    private sealed record Watched(DriftTracker Tracker, DriftAlertRule Rule)
    {
        public HashSet<DateTimeOffset> Alerted { get; } = [];
    }
}
