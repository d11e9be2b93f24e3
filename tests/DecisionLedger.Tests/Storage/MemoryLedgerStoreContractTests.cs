using DecisionLedger.Storage;
using DecisionLedger.Store.ContractTests;
using DecisionLedger.Store.ContractTests.Memory;

namespace DecisionLedger.Tests.Storage;

/// <summary>The store contract against <see cref="MemoryLedgerStore"/>, so tests above the ports can rely on it as on a real store.</summary>
public sealed class MemoryLedgerStoreContractTests : LedgerStoreContract
{
    private readonly MemoryLedgerData _data = new();

    protected override Task<ILedgerStore> CreateStoreAsync() => Task.FromResult<ILedgerStore>(new MemoryLedgerStore(_data));

    protected override Task<ILedgerStore> ReopenStoreAsync() => Task.FromResult<ILedgerStore>(new MemoryLedgerStore(_data));
}
