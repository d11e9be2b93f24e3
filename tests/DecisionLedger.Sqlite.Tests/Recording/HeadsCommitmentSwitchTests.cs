using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>
/// The benchmark-only <see cref="LedgerOptions.BenchmarkWithoutHeadsCommitment"/> (bench/heads-cost.sh measures the heads
/// commitment's cost with it): it leaves out exactly the heads commitment — prev links, heads map, heads entries — and
/// keeps the rest of a v2 ledger (format event, v2 entries, subject refs); off by default, so a product ledger always
/// commits to its heads.
/// </summary>
public sealed class HeadsCommitmentSwitchTests : IDisposable
{
    private readonly RecorderFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void LedgerOptions_ByDefault_CommitsToTheHeads()
    {
        Assert.False(new LedgerOptions().BenchmarkWithoutHeadsCommitment);
        Assert.False(new LedgerOptions { EntryFormat = 2 }.Clone().BenchmarkWithoutHeadsCommitment);
    }

    [Fact]
    public async Task RecordAsync_WithoutHeadsCommitment_WritesV2EntriesWithRefsButNoLinksAndNoHeads()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        LedgerOptions options = EntryFormatV2RecorderTests.V2(o =>
        {
            o.CheckpointMinInterval = TimeSpan.Zero;
            o.BenchmarkWithoutHeadsCommitment = true;
        });
        await RecordAsync(store, options, 20);

        // A second start on the same ledger keeps leaving it out (the builder's rebuild after a failed commit too).
        await RecordAsync(store, options, 10);

        List<V2LedgerCheck.Row> rows = await V2LedgerCheck.ReadAsync(store);
        Assert.Equal("format", rows[0].Kind);
        Assert.DoesNotContain(rows, row => row.Kind == "heads");
        List<V2LedgerCheck.Row> decisions = [.. rows.Where(row => row.Kind is null)];
        Assert.Equal(30, decisions.Count);
        Assert.All(decisions, row => Assert.Equal(2, row.V));
        Assert.All(decisions, row => Assert.Equal(-1, row.PrevModel));
        Assert.All(decisions, row => Assert.Equal(-1, row.PrevSubject));
        Assert.Equal(5, decisions.Where(row => row.SubjectRef is not null).Select(row => row.SubjectRef).Distinct().Count());
        Assert.NotNull(await store.GetLatestCheckpointAsync());
    }

    [Fact]
    public async Task RecordAsync_WithTheDefault_LinksAndWritesHeads()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await RecordAsync(store, EntryFormatV2RecorderTests.V2(o => o.CheckpointMinInterval = TimeSpan.Zero), 20);

        List<V2LedgerCheck.Row> rows = await V2LedgerCheck.ReadAsync(store);
        Assert.Contains(rows, row => row.Kind == "heads");
        Assert.Contains(rows, row => row.Kind is null && row.PrevSubject >= 0);
        Assert.Equal(0, await V2LedgerCheck.AssertValidAsync(store));
    }

    private async Task RecordAsync(ILedgerStore store, LedgerOptions options, int count)
    {
        await using DecisionRecorder recorder = await DecisionRecorder.StartAsync(store, _fixture.Signer, _fixture.Fingerprinter, options, random: new SeededRandomSource(count));
        for (int i = 0; i < count; i++)
        {
            await recorder.RecordAsync(EntryFormatV2RecorderTests.MixedDecision(i));
        }
    }
}
