using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary>Re-running <c>record</c> over a file after a crash: committed lines get their receipts again, conflicts still stop.</summary>
public sealed class RecordResumeTests
{
    // Every third line carries its own timestamp; the others get one at record time. Every fifth
    // holds an e-mail address the default policy redacts in the input and in the output.
    private static string Line(int i, string label = "legit")
    {
        string n = i.ToString("D4", CultureInfo.InvariantCulture);
        string ts = i % 3 == 0 ? "\"timestamp\":\"2026-03-01T10:00:00.123456789Z\"," : string.Empty;
        string mail = i % 5 == 0 ? ",\"contact\":\"jane.doe" + n + "@example.com\"" : string.Empty;
        return "{\"requestId\":\"req-" + n + "\"," + ts + "\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"},"
            + "\"input\":{\"amount\":" + i.ToString(CultureInfo.InvariantCulture) + ".5,\"country\":\"DE\"" + mail + "},"
            + "\"output\":{\"label\":\"" + label + "\",\"score\":0.12" + mail + "},"
            + "\"subject\":{\"id\":\"customer-" + n + "\"},\"metadata\":{\"channel\":\"web\"}}";
    }

    private static string File(int count, Func<int, string>? line = null) =>
        string.Join('\n', Enumerable.Range(0, count).Select(line ?? (i => Line(i)))) + "\n";

    [Fact]
    public async Task Record_ResumeAfterCrashWithIdenticalLines_PrintsEveryReceiptAndExitsZero()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);

        // The crashed run: the first half was committed, its receipts were never seen.
        CliResult first = await CliRun.RunWithInputAsync(File(20), null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(first.ExitCode == 0, first.ToString());
        string[] firstReceipts = first.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        CliResult resumed = await CliRun.RunWithInputAsync(File(40), null, "record", "-", "--ledger", temp.Ledger);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        string[] receipts = resumed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(40, receipts.Length);
        for (int i = 0; i < 40; i++)
        {
            using JsonDocument receipt = JsonDocument.Parse(receipts[i]);
            Assert.Equal(i, receipt.RootElement.GetProperty("seq").GetInt64());
            Assert.Equal("req-" + i.ToString("D4", CultureInfo.InvariantCulture), receipt.RootElement.GetProperty("requestId").GetString());
        }

        Assert.Equal(firstReceipts, receipts[..20]);
        Assert.Contains("20 of them already recorded", resumed.Error, StringComparison.Ordinal);
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("tree size 40,", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_ResumeWithProofs_ExistingReceiptsCarryAProofToo()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);
        Assert.Equal(0, (await CliRun.RunWithInputAsync(File(5), null, "record", "-", "--ledger", temp.Ledger)).ExitCode);

        CliResult resumed = await CliRun.RunWithInputAsync(File(8), null, "record", "-", "--proofs", "--ledger", temp.Ledger);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        string[] receipts = resumed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, receipts.Length);
        using JsonDocument existing = JsonDocument.Parse(receipts[0]);
        Assert.True(existing.RootElement.TryGetProperty("proof", out _), receipts[0]);
    }

    [Fact]
    public async Task Record_ChangedBodyUnderCommittedId_ExitsTwoAsConflict()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);
        Assert.Equal(0, (await CliRun.RunWithInputAsync(File(10), null, "record", "-", "--ledger", temp.Ledger)).ExitCode);

        // Line 6 (req-0005) says "fraud" now; the lines before it are identical re-sends.
        CliResult changed = await CliRun.RunWithInputAsync(File(12, i => i == 5 ? Line(i, "fraud") : Line(i)), null, "record", "-", "--ledger", temp.Ledger);

        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("line 6: requestId: 'req-0005'", changed.Error, StringComparison.Ordinal);
        Assert.Contains("different decision", changed.Error, StringComparison.Ordinal);
        Assert.Equal(5, changed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Record_ChangedInputUnderCommittedId_ExitsTwoAsConflict()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);
        Assert.Equal(0, (await CliRun.RunWithInputAsync(File(3), null, "record", "-", "--ledger", temp.Ledger)).ExitCode);

        // The same redacted entry but another original input: only the fingerprint tells them apart.
        string changed = Line(0).Replace("jane.doe0000@example.com", "john.roe0000@example.com", StringComparison.Ordinal);
        CliResult result = await CliRun.RunWithInputAsync(changed + "\n", null, "record", "-", "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 1: requestId: 'req-0000'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_ChangedTimestampUnderCommittedId_ExitsTwoAsConflict()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);
        Assert.Equal(0, (await CliRun.RunWithInputAsync(File(1), null, "record", "-", "--ledger", temp.Ledger)).ExitCode);

        string changed = Line(0).Replace("10:00:00.123456789Z", "10:00:01Z", StringComparison.Ordinal);
        CliResult result = await CliRun.RunWithInputAsync(changed + "\n", null, "record", "-", "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
    }
}
