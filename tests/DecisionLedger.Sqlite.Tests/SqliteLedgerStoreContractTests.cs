using DecisionLedger.Storage;
using DecisionLedger.Store.ContractTests;

namespace DecisionLedger.Sqlite.Tests;

/// <summary>The store contract against real SQLite files, one per test.</summary>
public sealed class SqliteLedgerStoreContractTests : LedgerStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    protected override Task<ILedgerStore> CreateStoreAsync() =>
        Task.FromResult<ILedgerStore>(new SqliteLedgerStore(DatabasePath));

    protected override Task<ILedgerStore> ReopenStoreAsync() =>
        Task.FromResult<ILedgerStore>(new SqliteLedgerStore(DatabasePath));

    public void Dispose() => _directory.Dispose();
}
