using DecisionLedger.Server.Drift;
using DecisionLedger.Tests.Drift;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Server.Tests.Drift;

/// <summary>The collector's continuous drift: alerts at the planted window once it closes, only there, once each; gauges and counters follow.</summary>
public sealed class DriftMonitorTests
{
    private static readonly DateTimeOffset s_day1 = DriftScenario.Start.AddDays(1);
    private static readonly DateTimeOffset s_shiftAt = s_day1.AddHours(15);

    [Fact]
    public async Task RunOnce_PlantedShift_AlertsAtTheShiftedWindowWhenItCloses_AndNowhereElse()
    {
        var clock = new FakeTimeProvider(s_day1.AddHours(15).AddMinutes(59));
        var logs = new ListLoggerProvider();
        using var metrics = new DriftMetrics();
        using var alerts = new MeasurementRecorder("decisionledger.drift.alerts");
        using var monitor = new DriftMonitor(Options(), clock, metrics, logs.CreateLogger("drift"));

        // What a collector holds at 15:59 on day 1: the baseline day, then day 1 up to then, shifted from 15:00.
        var scenario = new DriftScenario()
            .Add(10_000, DriftScenario.Start, TimeSpan.FromDays(1), "2.0")
            .Add(10_000, DriftScenario.Start, TimeSpan.FromDays(1), "1.0")
            .Add(6_400, s_day1, TimeSpan.FromHours(16), "2.0", shiftAt: s_shiftAt)
            .Add(6_400, s_day1, TimeSpan.FromHours(16), "1.0")
            .Checkpoint();

        IReadOnlyList<DriftAlert> beforeClose = await monitor.RunOnceAsync(scenario.Store, DriftScenario.Verifier, default);
        clock.SetUtcNow(s_day1.AddHours(16));
        IReadOnlyList<DriftAlert> atClose = await monitor.RunOnceAsync(scenario.Store, DriftScenario.Verifier, default);
        IReadOnlyList<DriftAlert> again = await monitor.RunOnceAsync(scenario.Store, DriftScenario.Verifier, default);

        Assert.Empty(beforeClose);
        DriftAlert alert = Assert.Single(atClose);
        Assert.Equal(("2.0", s_shiftAt), (alert.Version, alert.Window.Start));
        Assert.Empty(again);
        Assert.Equal(1, alerts.Total(("version", "2.0")));
        Assert.Equal(0, alerts.Total(("version", "1.0")));
        LoggedMessage logged = Assert.Single(logs.Entries, e => e.EventId == 3070);
        Assert.Contains("fraud_detector 2.0, window 2026-11-03T15:00:00", logged.Message, StringComparison.Ordinal);
        Assert.Equal(2, monitor.Latest.Count);
        Assert.Equal(32_800, monitor.Latest[0].Checkpoint.TreeSize);
    }

    [Fact]
    public async Task RunOnce_ReadsOnlyNewCheckpoints_AndMatchesTheReport()
    {
        var clock = new FakeTimeProvider(s_day1.AddDays(1));
        using var metrics = new DriftMetrics();
        using var psi = new MeasurementRecorder("decisionledger.drift.psi");
        using var monitor = new DriftMonitor(Options(), clock, metrics, NullLogger.Instance);
        var scenario = new DriftScenario()
            .Add(10_000, DriftScenario.Start, TimeSpan.FromDays(1), "2.0")
            .Add(4_000, s_day1, TimeSpan.FromHours(10), "2.0")
            .Checkpoint();

        Assert.Empty(await monitor.RunOnceAsync(scenario.Store, DriftScenario.Verifier, default));
        scenario.Add(5_600, s_day1.AddHours(10), TimeSpan.FromHours(14), "2.0", shiftAt: s_shiftAt).Checkpoint();
        IReadOnlyList<DriftAlert> raised = await monitor.RunOnceAsync(scenario.Store, DriftScenario.Verifier, default);

        Assert.Equal(Enumerable.Range(15, 9).Select(h => s_day1.AddHours(h)), raised.Where(a => a.Version == "2.0").Select(a => a.Window.Start));
        DecisionLedger.Drift.DriftReport report = await new DecisionLedger.Drift.DriftReportBuilder(monitor.Latest[0].Spec, monitor.Latest[0].Rule)
            .CreateAsync(scenario.Store, monitor.Latest[0].Checkpoint);
        Assert.Equal(report.Windows.Select(w => w.MaxPsi), monitor.Latest[0].Windows.Select(w => w.MaxPsi));

        // The gauges carry the newest closed window (23:00) of each path.
        psi.Collect();
        double amount = psi.Last(("version", "2.0"), ("path", "input.amount"));
        Assert.Equal(report.Windows[^1].Paths.Single(p => p.Path == "input.amount").Psi, amount);
    }

    [Fact]
    public void Options_BadWatch_NamesTheField()
    {
        var options = new DriftMonitorOptions();
        options.Watches.Add(new DriftWatchOptions { Model = "m", BaselineFrom = s_day1, BaselineTo = DriftScenario.Start });

        ArgumentException error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith("drift.models[0].baseline:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"models":[{"model":"m","baseline":"2026-11-01..2026-11-02","window":"2w"}]}""", "drift.models[0].window:")]
    [InlineData("""{"models":[{"model":"m","baseline":"yesterday"}]}""", "drift.models[0].baseline:")]
    [InlineData("""{"models":[{"baseline":"2026-11-01..2026-11-02"}]}""", "drift.models[0].model:")]
    [InlineData("""{"models":[{"model":"m","baseline":"2026-11-01..2026-11-02","paths":["input..x"]}]}""", "drift.models[0].paths:")]
    [InlineData("""{"models":[{"model":"m","baseline":"2026-11-01..2026-11-02","threshold":-1}]}""", "drift.models[0].threshold:")]
    [InlineData("""{"webhook":{"url":"ftp://x/"},"models":[]}""", "drift.webhook.url:")]
    [InlineData("""{"models":"m"}""", "drift.models:")]
    public void ConfigFile_BadField_IsNamed(string json, string expected)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => DriftConfigFile.Parse(json));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFile_Full_IsRead()
    {
        DriftMonitorOptions options = DriftConfigFile.Parse("""
            {"intervalSeconds":30,"webhook":{"url":"https://hooks.example/drift","attempts":3,"backoffSeconds":1},
             "models":[{"model":"fraud_detector","versions":["1.0","2.0"],"baseline":"2026-11-02T00:00:00Z..2026-11-03T00:00:00Z",
                        "window":"1h","threshold":0.25,"minDecisions":50,"paths":["input.amount","input.country"]}]}
            """);

        DriftWatchOptions watch = Assert.Single(options.Watches);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Interval);
        Assert.Equal(new Uri("https://hooks.example/drift"), options.WebhookUrl);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], new[] { 2, 3, 4 }.Select(options.BackoffBefore));
        Assert.Equal(["1.0", "2.0"], watch.Versions);
        Assert.Equal((0.25, 50L, TimeSpan.FromHours(1)), (watch.Threshold, watch.MinDecisions, watch.Window));
        Assert.Equal(DriftScenario.Start, watch.BaselineFrom);
    }

    internal static DriftMonitorOptions Options()
    {
        var options = new DriftMonitorOptions();
        var watch = new DriftWatchOptions { Model = DriftScenario.Model, BaselineFrom = DriftScenario.Start, BaselineTo = s_day1, Window = TimeSpan.FromHours(1) };
        watch.Versions.Add("2.0");
        watch.Versions.Add("1.0");
        foreach (string path in new[] { "output.score", "output.label", "input.amount", "input.country" })
        {
            watch.Paths.Add(path);
        }

        options.Watches.Add(watch);
        return options;
    }
}
