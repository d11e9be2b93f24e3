using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary><c>dledger report drift</c> on a real SQLite ledger: a baseline day, then four six-hour windows, amounts tripled in the last.</summary>
public sealed class DriftReportCommandTests
{
    [Fact]
    public async Task ReportDrift_PlantedShift_FlagsTheLastWindowOnly()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "test.example/drift", "--ledger", temp.Ledger)).ExitCode);
        var ndjson = new StringBuilder();
        var random = new Random(5);
        var start = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 1_600; i++)
        {
            DateTimeOffset time = start.AddSeconds(i * 2 * 86_400.0 / 1_600);
            double amount = Math.Round(Math.Exp(4 + random.NextDouble() - 0.5) * (time >= start.AddHours(42) ? 3 : 1), 2);
            ndjson.Append(CultureInfo.InvariantCulture, $$$"""{"timestamp":"{{{time:yyyy-MM-ddTHH:mm:ssZ}}}","model":{"name":"fraud_detector","version":"2.0"},"input":{"amount":{{{amount}}}},"output":{"label":"ok","score":0.5}}""").Append('\n');
        }

        Assert.Equal(0, (await CliRun.RunWithInputAsync(ndjson.ToString(), null, "record", "-", "--ledger", temp.Ledger)).ExitCode);
        Assert.Equal(0, (await CliRun.RunAsync("checkpoint", "--new", "--ledger", temp.Ledger)).ExitCode);

        CliResult json = await CliRun.RunAsync("report", "drift", "--model", "fraud_detector", "--baseline", "2026-11-02T00:00:00Z..2026-11-03T00:00:00Z", "--window", "6h", "--paths", "input.amount", "--ledger", temp.Ledger, "--json");
        CliResult text = await CliRun.RunAsync("report", "drift", "--model", "fraud_detector", "--baseline", "2026-11-02..2026-11-03", "--window", "6h", "--paths", "input.amount", "--ledger", temp.Ledger);

        Assert.True(json.ExitCode == 0, json.ToString());
        using JsonDocument document = JsonDocument.Parse(json.Out);
        JsonElement root = document.RootElement;
        Assert.Equal(1_600, root.GetProperty("checkpoint").GetProperty("treeSize").GetInt64());
        Assert.Equal(["2026-11-03T18:00:00.000000Z"], root.GetProperty("windows").EnumerateArray().Where(w => w.GetProperty("flagged").GetBoolean()).Select(w => w.GetProperty("start").GetString()));
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("1 window(s) drifted; first at 2026-11-03T18:00:00.000000Z.", text.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--baseline", "2026-11-02", "--baseline:")]
    [InlineData("--baseline", "2026-11-03..2026-11-02", "--baseline:")]
    [InlineData("--window", "2w", "--window:")]
    [InlineData("--paths", "input..x", "--paths:")]
    [InlineData("--threshold", "-1", "--threshold:")]
    public async Task ReportDrift_BadOption_ExitsTwoNamingIt(string option, string value, string expected)
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "test.example/drift", "--ledger", temp.Ledger)).ExitCode);
        string[] baseline = option == "--baseline" ? [] : ["--baseline", "2026-11-02..2026-11-03"];
        string[] args = ["report", "drift", "--model", "m", .. baseline, "--ledger", temp.Ledger, option, value];

        CliResult result = await CliRun.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
