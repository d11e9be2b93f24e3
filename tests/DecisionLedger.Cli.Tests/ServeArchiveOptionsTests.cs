namespace DecisionLedger.Cli.Tests;

/// <summary><c>serve --archive-to/--archive-every/--archive-policy</c>: bad values are refused before the collector starts, naming the option.</summary>
public sealed class ServeArchiveOptionsTests
{
    [Theory]
    [InlineData("--archive-every", "soon", "--archive-every")]
    [InlineData("--archive-every", "PT0S", "--archive-every")]
    [InlineData("--archive-policy", "/nonexistent/policy.json", "--archive-policy")]
    public async Task Serve_BadScheduleValue_IsRefusedNamingTheOption(string option, string value, string named)
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, 3);

        CliResult result = await CliRun.RunAsync("serve", "--ledger", temp.Ledger, "--urls", "http://127.0.0.1:0", "--archive-to", Path.Combine(temp.Root, "archive"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ScheduleOptionWithoutArchiveTo_IsRefused()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, 3);

        CliResult result = await CliRun.RunAsync("serve", "--ledger", temp.Ledger, "--urls", "http://127.0.0.1:0", "--archive-every", "PT1H");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--archive-every: only meaningful with --archive-to", result.Error, StringComparison.Ordinal);
    }
}
