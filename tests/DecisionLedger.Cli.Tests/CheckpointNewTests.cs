using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary><c>checkpoint --new</c> says when there was nothing to sign instead of silently reprinting the old checkpoint.</summary>
public sealed class CheckpointNewTests
{
    [Fact]
    public async Task CheckpointNew_NothingNew_SaysNothingSignedAndExitsZero()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "7", "--ledger", temp.Ledger, "--json")).ExitCode);

        CliResult human = await CliRun.RunAsync("checkpoint", "--new", "--ledger", temp.Ledger);
        CliResult json = await CliRun.RunAsync("checkpoint", "--new", "--ledger", temp.Ledger, "--json");

        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains("no new entries since the checkpoint at tree size 7; nothing signed", human.Error, StringComparison.Ordinal);
        Assert.StartsWith("decisionledger.demo/fraud\n7\n", human.Out, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        using JsonDocument document = JsonDocument.Parse(json.Out);
        Assert.False(document.RootElement.GetProperty("signed").GetBoolean());
    }
}
