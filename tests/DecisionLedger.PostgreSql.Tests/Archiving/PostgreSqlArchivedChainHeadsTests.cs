using DecisionLedger.Archiving;
using DecisionLedger.Heads;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.PostgreSql.Tests.Archiving;

/// <summary>
/// The chain heads of archived entry-format-2 decisions survive their removal on the real PostgreSQL
/// (migration 11), whether their month was swapped and dropped or their rows deleted one by one: the
/// next recorder commits a right <c>heads</c> entry and right <c>prev</c> links, and verification passes.
/// </summary>
public sealed class PostgreSqlArchivedChainHeadsTests : ScratchSchemaTests, IDisposable
{
    private readonly PostgresArchiveLedger _ledger;

    public PostgreSqlArchivedChainHeadsTests() => _ledger = new PostgresArchiveLedger(Schema, Role);

    [PostgresFact]
    public async Task Record_AfterArchivingV2Decisions_KeepsTheChainHeadsAndVerifyPasses()
    {
        await _ledger.MigrateAsync();
        await _ledger.SeedAsync();
        Dictionary<string, ChainHead> before = await ReadHeadsAsync();

        ArchiveRunResult? archived = await _ledger.ArchiveAsync();
        Assert.NotNull(archived);
        Assert.True(archived.RemovedRows > 0);
        Assert.Equal(archived.RemovedRows, await _ledger.ScalarAsync($"SELECT count(*) FROM \"{Schema}\".archived_chain_keys;"));
        Assert.Equal(before.OrderBy(p => p.Key, StringComparer.Ordinal), (await ReadHeadsAsync()).OrderBy(p => p.Key, StringComparer.Ordinal));

        // The same subjects and models again: the chains' earlier entries, some their last, are archived.
        await _ledger.SeedAsync(3 * PostgresArchiveLedger.PerMonth + 1, 3 * PostgresArchiveLedger.PerMonth + 20);

        await using PostgreSqlLedgerStore store = _ledger.OpenStore();
        await store.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _ledger.Signer.Verifier, PostgresArchiveLedger.Origin);
        Assert.True(report.Passed, report.FirstFinding?.ToString());
    }

    private async Task<Dictionary<string, ChainHead>> ReadHeadsAsync()
    {
        await using PostgreSqlLedgerStore store = _ledger.OpenStore();
        LedgerHead head = await store.OpenAsync();
        var heads = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        await foreach ((string key, ChainHead chainHead) in store.ReadChainHeadsAsync(0, head.Size))
        {
            heads[key] = chainHead;
        }

        return heads;
    }

    public void Dispose() => _ledger.Dispose();
}
