using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

public sealed class VerifyProgressTests
{
    private static async Task<CliResult> VerifyAsync(TimeProvider time, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new CliEnvironment(stdout, stderr, () => Stream.Null, IsTerminal: false, time);
        int code = await CliApplication.RunAsync(["verify", .. args], environment);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Verify_LongRunWithJson_PrintsProgressOnStderrAndOnlyTheReportOnStdout()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "40", "--ledger", temp.Ledger);

        CliResult result = await VerifyAsync(new SteppingTimeProvider(TimeSpan.FromSeconds(3)), "--ledger", temp.Ledger, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("verify: 40 of 40 entries (100%)", result.Error, StringComparison.Ordinal);
        using JsonDocument report = JsonDocument.Parse(result.Out);
        Assert.True(report.RootElement.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Verify_ShortRun_PrintsNoProgress()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "40", "--ledger", temp.Ledger);

        CliResult result = await VerifyAsync(new SteppingTimeProvider(TimeSpan.FromMilliseconds(1)), "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("verify:", result.Error, StringComparison.Ordinal);
        Assert.Contains("PASSED", result.Out, StringComparison.Ordinal);
    }

    // Every reading of the clock moves it on by a fixed step, so a run "lasts" as long as a test needs.
    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);

        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(Interlocked.Read(ref _ticks));
    }
}
