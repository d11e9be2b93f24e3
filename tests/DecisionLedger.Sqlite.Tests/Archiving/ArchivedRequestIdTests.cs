using DecisionLedger.Archiving;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite.Tests.Recording;

namespace DecisionLedger.Sqlite.Tests.Archiving;

public sealed class ArchivedRequestIdTests : IDisposable
{
    private readonly ArchiveFixture _fixture = new();

    [Fact]
    public async Task Record_RequestIdOfAnArchivedDecision_IsStillRefusedAsDuplicate()
    {
        await _fixture.SeedAsync(300);
        string archivedId;
        await using (SqliteLedgerStore before = _fixture.Ledger.OpenStore())
        {
            await before.OpenAsync();
            archivedId = (await before.GetEntryAsync(3))!.Columns.RequestId;
        }

        ArchiveRunResult? run = await _fixture.ArchiveAsync();
        Assert.NotNull(run);
        Assert.Equal(0, _fixture.Scalar("SELECT count(*) FROM entries WHERE seq = 3;"));

        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await using DecisionRecorder recorder = await _fixture.Ledger.StartAsync(store);
        var duplicate = await Assert.ThrowsAsync<DuplicateRequestIdException>(() => recorder.RecordAsync(RecorderFixture.Decision(1, archivedId)).AsTask());
        RecordReceipt fresh = await recorder.RecordAsync(RecorderFixture.Decision(2, "never-archived"));

        Assert.Equal(archivedId, duplicate.RequestId);
        Assert.Equal(new HashSet<string> { archivedId }, await store.FindExistingRequestIdsAsync([archivedId, "unknown-id"]));
        Assert.True(fresh.Seq > run.EventSeq);
    }

    public void Dispose() => _fixture.Dispose();
}
