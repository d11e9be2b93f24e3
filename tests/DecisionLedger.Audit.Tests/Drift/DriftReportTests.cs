using System.Diagnostics;
using System.Text.Json;
using DecisionLedger.Drift;
using DecisionLedger.Reporting;

namespace DecisionLedger.Tests.Drift;

/// <summary>The drift report on synthetic decisions with a known shift: flagged at the planted window, and nowhere else.</summary>
public sealed class DriftReportTests
{
    private static readonly DateTimeOffset s_day1 = DriftScenario.Start.AddDays(1);
    private static readonly DriftPath[] s_paths = [.. new[] { "output.score", "output.label", "input.amount", "input.country" }.Select(DriftPath.Parse)];

    [Fact]
    public async Task Report_PlantedShift_FlagsTheShiftedWindowsOnly()
    {
        // Day 0 is the baseline; day 1 has hourly windows, and the shift starts at 15:00.
        DateTimeOffset shiftAt = s_day1.AddHours(15);
        var scenario = new DriftScenario()
            .Add(20_000, DriftScenario.Start, TimeSpan.FromDays(2), version: "2.0", shiftAt: shiftAt)
            .Add(20_000, DriftScenario.Start, TimeSpan.FromDays(2), version: "1.0")
            .Checkpoint();

        DriftReport shifted = await CreateAsync(scenario, "2.0");
        DriftReport stable = await CreateAsync(scenario, "1.0");

        Assert.Equal(10_000, shifted.BaselineDecisions);
        Assert.Equal(24, shifted.Windows.Count);
        Assert.Equal(Enumerable.Range(15, 9).Select(h => s_day1.AddHours(h)), shifted.Windows.Where(w => w.Flagged).Select(w => w.Start));
        Assert.All(shifted.Windows.Where(w => w.Flagged), w => Assert.True(w.Paths.Single(p => p.Path == "input.amount").Psi > 0.2, $"{w.Start:O}: amount did not drift"));
        Assert.All(shifted.Windows.Where(w => w.Start < shiftAt), w => Assert.True(w.MaxPsi < 0.1, $"{w.Start:O}: PSI {w.MaxPsi}"));
        Assert.DoesNotContain(stable.Windows, w => w.Flagged);
        Assert.Equal(0, shifted.InputsUnreadable);
    }

    [Fact]
    public async Task Report_StableStreamOf100kDecisions_RaisesNoFalseAlarm()
    {
        var clock = Stopwatch.StartNew();
        var scenario = new DriftScenario(seed: 7).Add(100_000, DriftScenario.Start, TimeSpan.FromDays(5)).Checkpoint();

        DriftReport report = await CreateAsync(scenario, "2.0");

        Assert.Equal(20_000, report.BaselineDecisions);
        Assert.Equal(96, report.Windows.Count);
        Assert.Equal(80_000, report.Windows.Sum(w => w.Decisions));
        Assert.DoesNotContain(report.Windows, w => w.Flagged);
        Assert.All(report.Windows, w => Assert.True(w.MaxPsi < 0.1, $"{w.Start:O}: PSI {w.MaxPsi} at {w.WorstPath}"));
        Assert.All(report.Windows.SelectMany(w => w.Paths), p => Assert.True(p.Ks < 0.1, $"{p.Path}: KS {p.Ks}"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Report_CountsOnlyEntriesTheCheckpointCovers()
    {
        var scenario = new DriftScenario().Add(2_000, DriftScenario.Start, TimeSpan.FromDays(2)).Checkpoint()
            .Add(500, s_day1.AddHours(23), TimeSpan.FromHours(1), shiftAt: s_day1).Checkpoint();
        ReportCheckpoint first = ReportCheckpoint.Open((await scenario.Store.ReadCheckpointsAsync().FirstAsync()).SignedNote, DriftScenario.Verifier);

        DriftReport report = await new DriftReportBuilder(new DriftSpec(DriftScenario.Model, null, DriftScenario.Start, s_day1, TimeSpan.FromHours(1), s_paths)).CreateAsync(scenario.Store, first);

        Assert.Equal(2_000, report.Checkpoint.TreeSize);
        Assert.Equal(2_000, report.BaselineDecisions + report.Windows.Sum(w => w.Decisions));
    }

    [Fact]
    public async Task Report_Bins_AreTheBaselineQuantilesAndCategories()
    {
        var scenario = new DriftScenario().Add(1_000, DriftScenario.Start, TimeSpan.FromDays(2)).Checkpoint();

        DriftReport report = await CreateAsync(scenario, "2.0");

        DriftBaselinePath amount = report.Baseline.Single(p => p.Path == "input.amount");
        DriftBaselinePath country = report.Baseline.Single(p => p.Path == "input.country");
        Assert.Equal(DriftPathKind.Numeric, amount.Kind);
        Assert.Equal(10, amount.Counts.Count);
        Assert.All(amount.Counts, c => Assert.Equal(50, c));
        Assert.Equal(DriftPathKind.Categorical, country.Kind);
        Assert.Equal(["DE", "ES", "FR", "IT", "(other)"], country.Bins);
        Assert.Equal(0, country.Counts[^1]);
    }

    [Fact]
    public async Task Report_UnseenCategory_FallsInOther_AndAbsentPathHasNoBaseline()
    {
        var scenario = new DriftScenario().Add(400, DriftScenario.Start, TimeSpan.FromDays(2)).Checkpoint();
        var spec = new DriftSpec(DriftScenario.Model, "2.0", DriftScenario.Start, s_day1, TimeSpan.FromDays(1), [DriftPath.Parse("output.label"), DriftPath.Parse("metadata.region")]);

        DriftReport report = await new DriftReportBuilder(spec).CreateAsync(scenario.Store, await ReportCheckpoint.OpenLatestAsync(scenario.Store, DriftScenario.Verifier));

        Assert.Equal(DriftPathKind.NoBaseline, report.Baseline[1].Kind);
        Assert.Equal(200, report.Baseline[1].Missing);
        Assert.Null(Assert.Single(report.Windows).Paths[1].Psi);
    }

    [Fact]
    public async Task JsonWriter_WritesTheFiguresAndTheCheckpoint()
    {
        var scenario = new DriftScenario().Add(1_000, DriftScenario.Start, TimeSpan.FromDays(2), shiftAt: s_day1).Checkpoint();
        DriftReport report = await CreateAsync(scenario, "2.0", TimeSpan.FromDays(1));
        var text = new StringWriter();

        await DriftReportJsonWriter.WriteAsync(report, text);

        using JsonDocument json = JsonDocument.Parse(text.ToString());
        JsonElement root = json.RootElement;
        Assert.Equal("drift", root.GetProperty("report").GetString());
        Assert.Equal(1_000, root.GetProperty("checkpoint").GetProperty("treeSize").GetInt64());
        Assert.Equal("1d", root.GetProperty("spec").GetProperty("window").GetString());
        JsonElement window = Assert.Single(root.GetProperty("windows").EnumerateArray());
        Assert.True(window.GetProperty("flagged").GetBoolean());
        Assert.Equal(report.Windows[0].Paths[2].Psi, window.GetProperty("paths")[2].GetProperty("psi").GetDouble());
    }

    [Fact]
    public async Task TextWriter_MarksTheDriftedRows()
    {
        var scenario = new DriftScenario().Add(1_000, DriftScenario.Start, TimeSpan.FromDays(2), shiftAt: s_day1).Checkpoint();
        DriftReport report = await CreateAsync(scenario, "2.0", TimeSpan.FromDays(1));
        var text = new StringWriter();

        await DriftReportTextWriter.WriteAsync(report, text);

        Assert.Contains("input.amount", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("DRIFT", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 window(s) drifted; first at 2026-11-03T00:00:00.000000Z.", text.ToString(), StringComparison.Ordinal);
    }

    private static async Task<DriftReport> CreateAsync(DriftScenario scenario, string version, TimeSpan? window = null)
    {
        var spec = new DriftSpec(DriftScenario.Model, version, DriftScenario.Start, s_day1, window ?? TimeSpan.FromHours(1), s_paths);
        ReportCheckpoint checkpoint = await ReportCheckpoint.OpenLatestAsync(scenario.Store, DriftScenario.Verifier);
        return await new DriftReportBuilder(spec).CreateAsync(scenario.Store, checkpoint);
    }
}
