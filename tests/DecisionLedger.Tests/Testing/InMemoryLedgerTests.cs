using DecisionLedger.Recording;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Testing;

public sealed class InMemoryLedgerTests
{
    private static FakeTimeProvider Time() => new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task StartRecorderAsync_SecondRecorderAfterDispose_ContinuesTheSameLedger()
    {
        var ledger = new InMemoryLedger();
        await using (DecisionRecorder first = await ledger.StartRecorderAsync(Time()))
        {
            for (int i = 0; i < 3; i++)
            {
                await first.RecordAsync(Some.Decision(i));
            }
        }

        RecordReceipt receipt;
        await using (DecisionRecorder second = await ledger.StartRecorderAsync(Time()))
        {
            receipt = await second.RecordAsync(Some.Decision(3));
        }

        Assert.Equal(3, receipt.Seq);
        VerificationReport report = await ledger.VerifyAsync();
        Assert.True(report.Passed, report.FirstFinding?.ToString());
        Assert.Equal(4, report.TreeSize);
    }

    [Fact]
    public async Task StartRecorderAsync_SameSeed_SameLeafHashesAndRoot()
    {
        async Task<(string Leaf, string? Root)> RecordOnceAsync()
        {
            var ledger = new InMemoryLedger(seed: 7);
            RecordReceipt receipt;
            await using (DecisionRecorder recorder = await ledger.StartRecorderAsync(Time()))
            {
                receipt = await recorder.RecordAsync(Some.Decision(1));
            }

            return (receipt.LeafHash.ToHex(), (await ledger.Store.GetLatestCheckpointAsync())?.RootHash.ToHex());
        }

        Assert.Equal(await RecordOnceAsync(), await RecordOnceAsync());
    }

    [Fact]
    public async Task StartRecorderAsync_OptionsWithAnotherOrigin_ThrowsNamingTheField()
    {
        var ledger = new InMemoryLedger();

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(
            async () => await ledger.StartRecorderAsync(options: new LedgerOptions { Origin = "elsewhere.example/ledger" }));

        Assert.Contains("options.Origin", error.Message, StringComparison.Ordinal);
        Assert.Contains("elsewhere.example/ledger", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two\nlines")]
    public void Constructor_BadOrigin_ThrowsNamingTheField(string origin)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new InMemoryLedger(origin: origin));

        Assert.Equal("origin", error.ParamName);
    }

    [Fact]
    public async Task VerifyAsync_RowRewrittenBehindTheStore_Fails()
    {
        var ledger = new InMemoryLedger();
        await using (DecisionRecorder recorder = await ledger.StartRecorderAsync(Time()))
        {
            await recorder.RecordAsync(Some.Decision(0));
            await recorder.RecordAsync(Some.Decision(1));
        }

        StoredEntry entry = ledger.Store.Data.Entries[1];
        ledger.Store.Data.Entries[1] = entry with { CanonicalBytes = [.. entry.CanonicalBytes[..^1], (byte)' ', (byte)'}'] };

        Assert.False((await ledger.VerifyAsync()).Passed);
    }

    [Fact]
    public async Task StartRecorderAsync_ListLoggerProvider_KeepsTheRecordersMessages()
    {
        var ledger = new InMemoryLedger();
        var logs = new ListLoggerProvider();
        await using (DecisionRecorder recorder = await ledger.StartRecorderAsync(Time(), loggerFactory: logs))
        {
            await recorder.RecordAsync(Some.Decision(0));
        }

        Assert.Contains(logs.Entries, e => e.Category == typeof(DecisionRecorder).FullName && e.Level == LogLevel.Information);
    }
}
