using DecisionLedger.Storage;
using DecisionLedger.Store.ContractTests;

namespace DecisionLedger.Sqlite.Tests;

/// <summary>The store contract against real SQLite files, one per test, with the default deferred indexer.</summary>
public sealed class SqliteLedgerStoreContractTests : LedgerStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    protected override Task<ILedgerStore> CreateStoreAsync() =>
        Task.FromResult<ILedgerStore>(new SqliteLedgerStore(DatabasePath));

    protected override Task<ILedgerStore> ReopenStoreAsync() =>
        Task.FromResult<ILedgerStore>(new SqliteLedgerStore(DatabasePath));

    // A paused indexer: entries stay unindexed until CatchUpIndexAsync, as after a crash or under load.
    protected override Task<ILedgerStore> CreateLaggingStoreAsync() =>
        Task.FromResult<ILedgerStore>(new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { IndexerPaused = true }));

    protected override Task<ILedgerStore> ReopenLaggingStoreAsync() => CreateLaggingStoreAsync();

    protected override async Task CatchUpIndexAsync(ILedgerStore store)
    {
        var sqlite = (SqliteLedgerStore)store;
        await sqlite.IndexPendingAsync();
        Assert.Equal(await sqlite.GetSizeAsync(), await sqlite.GetIndexedSizeAsync());
    }

    public void Dispose() => _directory.Dispose();
}
