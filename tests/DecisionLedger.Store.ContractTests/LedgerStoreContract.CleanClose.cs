using DecisionLedger.Storage;

namespace DecisionLedger.Store.ContractTests;

/// <summary>The clean-close fact (<see cref="ICleanCloseStore"/>): durable across a reopen, cleared on request.</summary>
public abstract partial class LedgerStoreContract
{
    /// <summary>A new ledger was never closed cleanly.</summary>
    [StoreFact]
    public async Task ReadCleanCloseAsync_NewStore_IsNull()
    {
        await using ILedgerStore store = await OpenEmptyAsync();

        ICleanCloseStore marker = Assert.IsAssignableFrom<ICleanCloseStore>(store);

        Assert.Null(await marker.ReadCleanCloseAsync());
    }

    /// <summary>The size written survives a restart; writing again replaces it; null clears it.</summary>
    [StoreFact]
    public async Task WriteCleanCloseAsync_SurvivesReopen_AndClears()
    {
        await using (ILedgerStore store = await OpenEmptyAsync())
        {
            await store.AppendAsync(Some.Batch([Some.Entry(0), Some.Entry(1)]));
            var marker = (ICleanCloseStore)store;
            await marker.WriteCleanCloseAsync(1);
            await marker.WriteCleanCloseAsync(2);
        }

        await using (ILedgerStore reopened = await ReopenStoreAsync())
        {
            await reopened.OpenAsync();
            var marker = (ICleanCloseStore)reopened;
            Assert.Equal(2, await marker.ReadCleanCloseAsync());

            await marker.WriteCleanCloseAsync(null);

            Assert.Null(await marker.ReadCleanCloseAsync());
        }

        await using ILedgerStore third = await ReopenStoreAsync();
        await third.OpenAsync();
        Assert.Null(await ((ICleanCloseStore)third).ReadCleanCloseAsync());
    }
}
