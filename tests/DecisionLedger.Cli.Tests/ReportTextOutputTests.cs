using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary>Every <c>report</c> subcommand prints text for a person by default, as <c>--json</c>'s help promises, and JSON with <c>--json</c>.</summary>
public sealed class ReportTextOutputTests
{
    [Theory]
    [InlineData("usage", "--model", "fraud_detector")]
    [InlineData("version-timeline", "--model", "fraud_detector")]
    [InlineData("data-access")]
    [InlineData("access-log")]
    public async Task Report_Default_IsTextNotJson(params string[] report)
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "40", "--ledger", temp.Ledger, "--json")).ExitCode);

        CliResult text = await CliRun.RunAsync(["report", .. report, "--ledger", temp.Ledger]);
        CliResult json = await CliRun.RunAsync(["report", .. report, "--ledger", temp.Ledger, "--json"]);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.False(text.Out.TrimStart().StartsWith('{'), $"report {report[0]} printed JSON without --json:\n{text.Out}");
        Assert.Contains("against the checkpoint of decisionledger.demo/fraud at tree size 40", text.Out, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        using JsonDocument document = JsonDocument.Parse(json.Out);
        Assert.Equal(report[0], document.RootElement.GetProperty("report").GetString());
    }

    [Fact]
    public async Task ReportUsage_Text_ShowsTotalsAndVersions()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "40", "--ledger", temp.Ledger, "--json")).ExitCode);

        CliResult text = await CliRun.RunAsync("report", "usage", "--model", "fraud_detector", "--ledger", temp.Ledger);

        Assert.Contains("Usage of fraud_detector", text.Out, StringComparison.Ordinal);
        Assert.Contains("40 decisions", text.Out, StringComparison.Ordinal);
        Assert.Contains("version     3.2.1:", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_FormatJsonWithoutJsonFlag_IsJson_UnknownFormatNamesText()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "10", "--ledger", temp.Ledger, "--json")).ExitCode);

        CliResult json = await CliRun.RunAsync("report", "data-access", "--format", "json", "--ledger", temp.Ledger);
        CliResult bad = await CliRun.RunAsync("report", "data-access", "--format", "xml", "--ledger", temp.Ledger);

        Assert.True(json.ExitCode == 0, json.ToString());
        using JsonDocument document = JsonDocument.Parse(json.Out);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--format: 'xml' is not one of text, json, csv, html", bad.Error, StringComparison.Ordinal);
    }
}
