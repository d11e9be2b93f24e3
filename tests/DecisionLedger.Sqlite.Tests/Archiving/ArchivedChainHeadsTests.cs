using DecisionLedger.Archiving;
using DecisionLedger.Heads;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite.Tests.Recording;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Sqlite.Tests.Archiving;

/// <summary>
/// The chain heads of archived entry-format-2 decisions survive the removal of their bodies: the next
/// recorder commits a right <c>heads</c> entry and right <c>prev</c> links, and verification passes.
/// </summary>
public sealed class ArchivedChainHeadsTests : IDisposable
{
    private const string Origin = "test.local/ledger";

    private readonly ArchiveFixture _fixture = new();

    [Fact]
    public async Task ReadChainHeads_AfterArchivingV2Decisions_StillCountsTheArchivedOnes()
    {
        await SeedV2Async(300);
        Dictionary<string, ChainHead> before = await ReadHeadsAsync();

        Assert.NotNull(await ArchiveV2Async());
        Assert.True(_fixture.Scalar("SELECT count(*) FROM archived_ranges WHERE removed_rows > 0;") > 0);

        Assert.Equal(before.OrderBy(p => p.Key, StringComparer.Ordinal), (await ReadHeadsAsync()).OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Record_AfterArchivingV2Decisions_WritesRightHeadsAndPrevLinksAndVerifyPasses()
    {
        await SeedV2Async(300);
        ArchiveRunResult? archived = await ArchiveV2Async();
        Assert.NotNull(archived);
        Assert.True(_fixture.Scalar("SELECT count(*) FROM archived_ranges WHERE removed_rows > 0;") > 0);

        // The same subjects and models again: every chain's last entry so far is archived.
        await SeedV2Async(20, from: 300);

        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Ledger.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
    }

    private async Task SeedV2Async(int count, int from = 0)
    {
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        DecisionRecorder recorder = await _fixture.Ledger.StartAsync(store, EntryFormatV2RecorderTests.V2());
        await using (recorder)
        {
            for (int i = from; i < from + count; i++)
            {
                await recorder.RecordAsync(ArchiveFixture.Decision(i, 300, 16));
            }
        }
    }

    private async Task<ArchiveRunResult?> ArchiveV2Async()
    {
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        DecisionRecorder recorder = await _fixture.Ledger.StartAsync(store, EntryFormatV2RecorderTests.V2());
        await using (recorder)
        {
            var archiver = new LedgerArchiver(store, store, _fixture.Ledger.Signer, recorder);
            return await archiver.RunAsync(_fixture.Destination, _ => true);
        }
    }

    private async Task<Dictionary<string, ChainHead>> ReadHeadsAsync()
    {
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        LedgerHead head = await store.OpenAsync();
        var heads = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        await foreach ((string key, ChainHead chainHead) in store.ReadChainHeadsAsync(0, head.Size))
        {
            heads[key] = chainHead;
        }

        return heads;
    }

    public void Dispose() => _fixture.Dispose();
}
