using System.Diagnostics.Metrics;
using DecisionLedger.Drift;

namespace DecisionLedger.Server.Drift;

/// <summary>
/// The drift monitor's instruments on the <c>DecisionLedger</c> meter: gauges <c>decisionledger.drift.psi</c> and
/// <c>decisionledger.drift.ks</c> {model, version, path} (the newest closed window of each watched version), and
/// counters <c>decisionledger.drift.alerts</c> {model, version}, <c>decisionledger.drift.webhook.failures</c> {reason}
/// (an attempt that failed, an alert given up, an alert dropped from a full queue) and
/// <c>decisionledger.drift.webhook.deliveries</c>.
/// </summary>
internal sealed class DriftMetrics : IDisposable
{
    private readonly Meter _meter = new("DecisionLedger");
    private readonly Counter<long> _alerts;
    private readonly Counter<long> _webhookFailures;
    private readonly Counter<long> _webhookDeliveries;
    private volatile IReadOnlyList<Measurement<double>> _psi = [];
    private volatile IReadOnlyList<Measurement<double>> _ks = [];

    public DriftMetrics()
    {
        _meter.CreateObservableGauge("decisionledger.drift.psi", () => _psi, unit: "1", description: "Population stability index of the newest closed window against the baseline, by model, version and path.");
        _meter.CreateObservableGauge("decisionledger.drift.ks", () => _ks, unit: "1", description: "Two-sample Kolmogorov-Smirnov statistic of the newest closed window against the baseline, by model, version and path.");
        _alerts = _meter.CreateCounter<long>("decisionledger.drift.alerts", unit: "{alert}", description: "Drift alerts raised: windows whose PSI went over the threshold.");
        _webhookFailures = _meter.CreateCounter<long>("decisionledger.drift.webhook.failures", unit: "{failure}", description: "Drift webhook failures, by reason: attempt_failed, gave_up, queue_full.");
        _webhookDeliveries = _meter.CreateCounter<long>("decisionledger.drift.webhook.deliveries", unit: "{alert}", description: "Drift alerts the webhook accepted (2xx).");
    }

    /// <summary>Replaces the gauges' values with the newest closed window of each report.</summary>
    public void Publish(IEnumerable<(DriftReport Report, DriftWindow? Window)> latest)
    {
        var psi = new List<Measurement<double>>();
        var ks = new List<Measurement<double>>();
        foreach ((DriftReport report, DriftWindow? window) in latest)
        {
            if (window is null)
            {
                continue;
            }

            foreach (DriftPathResult path in window.Paths)
            {
                KeyValuePair<string, object?>[] tags = [new("model", report.Spec.Model), new("version", report.Spec.Version ?? "*"), new("path", path.Path)];
                if (path.Psi is { } p)
                {
                    psi.Add(new Measurement<double>(p, tags));
                }

                if (path.Ks is { } k)
                {
                    ks.Add(new Measurement<double>(k, tags));
                }
            }
        }

        _psi = psi;
        _ks = ks;
    }

    public void Alert(DriftAlert alert) =>
        _alerts.Add(1, new KeyValuePair<string, object?>("model", alert.Model), new KeyValuePair<string, object?>("version", alert.VersionTag));

    public void WebhookFailure(string reason) => _webhookFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void WebhookDelivered() => _webhookDeliveries.Add(1);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
