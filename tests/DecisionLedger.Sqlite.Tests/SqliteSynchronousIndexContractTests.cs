using DecisionLedger.Storage;
using DecisionLedger.Store.ContractTests;

namespace DecisionLedger.Sqlite.Tests;

/// <summary>The store contract again with <see cref="SqliteIndexMode.Synchronous"/>: the index is written in each commit.</summary>
public sealed class SqliteSynchronousIndexContractTests : LedgerStoreContract, IDisposable
{
    private static readonly SqliteLedgerStoreOptions Synchronous = new() { IndexMode = SqliteIndexMode.Synchronous };

    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    protected override Task<ILedgerStore> CreateStoreAsync() =>
        Task.FromResult<ILedgerStore>(new SqliteLedgerStore(DatabasePath, Synchronous));

    protected override Task<ILedgerStore> ReopenStoreAsync() =>
        Task.FromResult<ILedgerStore>(new SqliteLedgerStore(DatabasePath, Synchronous));

    // A deferred store with its indexer paused left a lagging file; a synchronous store opened on it catches up first.
    protected override Task<ILedgerStore> CreateLaggingStoreAsync() =>
        Task.FromResult<ILedgerStore>(new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { IndexerPaused = true }));

    protected override async Task CatchUpIndexAsync(ILedgerStore store) => await ((SqliteLedgerStore)store).IndexPendingAsync();

    public void Dispose() => _directory.Dispose();
}
