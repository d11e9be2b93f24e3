using DecisionLedger.Storage;

namespace DecisionLedger.Tests.Testing;

// What the contract suite cannot say: how the store reads rows a test changed behind its back.
public sealed class InMemoryLedgerStoreTests
{
    [Fact]
    public async Task GetEntryAsync_RowDeletedThroughData_FindsEntriesByTheirSeqColumn()
    {
        var store = new InMemoryLedgerStore();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 5)));

        store.Data.Entries.RemoveAt(2);

        Assert.Null(await store.GetEntryAsync(2));
        Assert.Equal(3, (await store.GetEntryAsync(3))!.Seq);
        Assert.Equal(3, (await store.FindByRequestIdAsync(Some.RequestIdOf(3)))!.Seq);
    }

    [Fact]
    public async Task Reopen_SharesTheData()
    {
        var store = new InMemoryLedgerStore();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 2), Some.Checkpoint(2)));

        InMemoryLedgerStore reopened = store.Reopen();
        LedgerHead head = await reopened.OpenAsync();

        Assert.Same(store.Data, reopened.Data);
        Assert.Equal(2, head.Size);
        Assert.Equal(2, head.LatestCheckpoint!.TreeSize);
    }
}
