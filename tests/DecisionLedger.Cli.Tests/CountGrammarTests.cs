using DecisionLedger.Cli.Output;

namespace DecisionLedger.Cli.Tests;

/// <summary>Counts read as English: "1 entry, 1 checkpoint", never "1 entries, 1 checkpoints".</summary>
public sealed class CountGrammarTests
{
    [Fact]
    public async Task Verify_OneEntryOneCheckpoint_SingularNouns()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/one", "--ledger", temp.Ledger)).ExitCode);
        Assert.Equal(0, (await CliRun.RunWithInputAsync(Some.DecisionLines(1), null, "record", "-", "--ledger", temp.Ledger)).ExitCode);

        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("1 entry, 1 checkpoint, 1 stored input verified", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_OneDecision_SingularNouns()
    {
        using var temp = new TempLedger();

        CliResult demo = await CliRun.RunAsync("demo", "--count", "1", "--ledger", temp.Ledger);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains("recorded   1 decision;", demo.Out, StringComparison.Ordinal);
        Assert.Contains("PASSED (1 entry, 1 checkpoint, 1 input)", demo.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("1 entries", demo.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_OneDecision_SingularNoun()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/one", "--ledger", temp.Ledger)).ExitCode);

        CliResult record = await CliRun.RunWithInputAsync(Some.DecisionLines(1), null, "record", "-", "--ledger", temp.Ledger);

        Assert.True(record.ExitCode == 0, record.ToString());
        Assert.Contains("recorded 1 decision in", record.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0 entries")]
    [InlineData(1, "1 entry")]
    [InlineData(2, "2 entries")]
    public void Plural_Entries_AgreesWithTheCount(long count, string expected) => Assert.Equal(expected, Plural.Entries(count));
}
