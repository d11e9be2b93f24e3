using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>The builder collects each batch's field paths once and hands them to the store, which does not parse the entries again.</summary>
public sealed class FieldPathHandoverTests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private readonly RecorderFixture _fixture = new();

    [Fact]
    public async Task Recorder_EveryBatch_CarriesTheFieldPathsAStoreWouldCollect()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using (DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, MaxBatchSize = 8 }))
            {
                await Task.WhenAll(Enumerable.Range(0, 40).Select(i => recorder.RecordAsync(RecorderFixture.Decision(i)).AsTask()));
            }

            Assert.NotEmpty(store.Appended);
            foreach (AppendBatch batch in store.Appended)
            {
                Assert.NotNull(batch.FieldPaths);
                Dictionary<string, HashSet<string>> expected = FieldPathCollector.Collect(batch.Entries, batch.Inputs);
                Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), batch.FieldPaths.Keys.Order(StringComparer.Ordinal));
                foreach ((string model, HashSet<string> paths) in expected)
                {
                    Assert.True(paths.SetEquals(batch.FieldPaths[model]), $"paths of {model} differ");
                }
            }
        }
    }

    [Fact]
    public async Task SqliteStore_UsesTheHandedPaths_ForItsCatalog()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin }))
        {
            await recorder.RecordAsync(RecorderFixture.Decision(1));
        }

        await store.IndexPendingAsync();
        IReadOnlyList<string> paths = await store.GetFieldPathsAsync("fraud_detector");

        Assert.Contains("input.amount", paths);
        Assert.Contains("output.score", paths);
    }

    [Fact]
    public async Task SqliteStore_ABatchWithoutPaths_StillFillsTheCatalog()
    {
        // A caller of the store port that did not collect paths (an older recorder, a tool) is served too.
        await using SqliteLedgerStore store = _fixture.OpenStore();
        var source = new FailingStore(_fixture.OpenStore("source.db"));
        await using (source)
        {
            await using (DecisionRecorder recorder = await _fixture.StartAsync(source, new LedgerOptions { Origin = Origin }))
            {
                await recorder.RecordAsync(RecorderFixture.Decision(2));
            }

            await store.OpenAsync();
            AppendBatch recorded = Assert.Single(source.Appended);
            await store.AppendAsync(new AppendBatch(recorded.Entries, recorded.Inputs, recorded.Tiles, recorded.Checkpoint));
        }

        await store.IndexPendingAsync();
        Assert.Contains("output.label", await store.GetFieldPathsAsync("fraud_detector"));
    }

    public void Dispose() => _fixture.Dispose();
}
