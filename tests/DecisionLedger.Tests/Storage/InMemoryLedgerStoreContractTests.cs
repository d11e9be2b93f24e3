using DecisionLedger.Storage;
using DecisionLedger.Store.ContractTests;

namespace DecisionLedger.Tests.Storage;

/// <summary>The store contract against the shipped <see cref="InMemoryLedgerStore"/> (package DecisionLedger.Testing), so users and tests above the ports can rely on it as on a real store.</summary>
public sealed class InMemoryLedgerStoreContractTests : LedgerStoreContract
{
    private readonly InMemoryLedgerStore _store = new();

    protected override Task<ILedgerStore> CreateStoreAsync() => Task.FromResult<ILedgerStore>(_store);

    protected override Task<ILedgerStore> ReopenStoreAsync() => Task.FromResult<ILedgerStore>(_store.Reopen());
}
