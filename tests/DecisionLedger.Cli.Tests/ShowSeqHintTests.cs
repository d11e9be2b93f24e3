namespace DecisionLedger.Cli.Tests;

/// <summary><c>show 42</c> looks up a requestId; when none matches and 42 is a number, the error points to <c>--seq</c>.</summary>
public sealed class ShowSeqHintTests
{
    [Fact]
    public async Task Show_IntegerThatIsNoRequestId_HintsAtSeq()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "50", "--ledger", temp.Ledger, "--json")).ExitCode);

        CliResult result = await CliRun.RunAsync("show", "42", "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("did you mean --seq 42?", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownNonNumericId_NoSeqHint()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "5", "--ledger", temp.Ledger, "--json")).ExitCode);

        CliResult result = await CliRun.RunAsync("show", "req-missing", "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no decision with requestId 'req-missing'", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--seq", result.Error, StringComparison.Ordinal);
    }
}
