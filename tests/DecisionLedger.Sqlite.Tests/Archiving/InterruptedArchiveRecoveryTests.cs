using DecisionLedger.Archiving;
using DecisionLedger.Recording;
using DecisionLedger.Retention;

namespace DecisionLedger.Sqlite.Tests.Archiving;

public sealed class InterruptedArchiveRecoveryTests : IDisposable
{
    private readonly ArchiveFixture _fixture = new();

    [Theory]
    [InlineData(CrashingRangeStore.CrashPoint.RecordRange)]
    [InlineData(CrashingRangeStore.CrashPoint.RemoveBodies)]
    public async Task Recover_RunKilledAfterTheArchivedEvent_CompletesItOnce(CrashingRangeStore.CrashPoint crashAt)
    {
        await _fixture.SeedAsync(300);
        await CrashAsync(crashAt);
        Assert.Equal(1, _fixture.Scalar("SELECT count(*) FROM entries WHERE kind = 'archived';"));
        Assert.Equal(256, _fixture.Scalar("SELECT count(*) FROM entries WHERE seq < 256 AND kind = 'decision';"));

        IReadOnlyList<ArchiveRecoveryOutcome> outcomes = await RecoverAsync();
        ArchiveRunResult? next = await _fixture.ArchiveAsync();

        ArchiveRecoveryOutcome outcome = Assert.Single(outcomes);
        Assert.True(outcome.Completed);
        Assert.Equal((0, 255, 256), (outcome.FirstSeq, outcome.LastSeq, outcome.RemovedRows));
        Assert.Null(next);
        Assert.Equal(0, _fixture.Scalar("SELECT count(*) FROM entries WHERE seq < 256 AND kind = 'decision';"));
        Assert.Equal(1, _fixture.Scalar("SELECT count(*) FROM archived_ranges;"));
        Assert.Equal(256, _fixture.Scalar("SELECT removed_rows FROM archived_ranges;"));
        Assert.Equal(1, _fixture.Scalar("SELECT count(*) FROM entries WHERE kind = 'archived';"));
        Assert.Empty(await RecoverAsync());
    }

    [Fact]
    public async Task Recover_RunKilledAndAFileLost_RollsBackAndTheNextRunArchivesAgain()
    {
        await _fixture.SeedAsync(300);
        await CrashAsync(CrashingRangeStore.CrashPoint.RecordRange);
        string lost = Directory.GetFiles(_fixture.ArchivePath, "*.parquet", SearchOption.AllDirectories)[0];
        File.Delete(lost);

        IReadOnlyList<ArchiveRecoveryOutcome> outcomes = await RecoverAsync();

        ArchiveRecoveryOutcome outcome = Assert.Single(outcomes);
        Assert.False(outcome.Completed);
        Assert.Contains("is missing", outcome.Problem, StringComparison.Ordinal);
        Assert.Equal(256, _fixture.Scalar("SELECT count(*) FROM entries WHERE seq < 256 AND kind = 'decision';"));
        Assert.Equal(0, _fixture.Scalar("SELECT count(*) FROM archived_ranges;"));

        ArchiveRunResult? again = await _fixture.ArchiveAsync();
        Assert.NotNull(again);
        Assert.Equal(0, _fixture.Scalar("SELECT count(*) FROM entries WHERE seq < 256 AND kind = 'decision';"));
        Assert.True(File.Exists(lost));
        Assert.Empty(await RecoverAsync());
    }

    private async Task CrashAsync(CrashingRangeStore.CrashPoint crashAt)
    {
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        DecisionRecorder recorder = await _fixture.Ledger.StartAsync(store);
        await using (recorder)
        {
            var archiver = new LedgerArchiver(store, new CrashingRangeStore(store, crashAt), _fixture.Ledger.Signer, recorder);
            await Assert.ThrowsAsync<CrashingRangeStore.SimulatedCrashException>(() => archiver.RunAsync(_fixture.Destination, _ => true));
        }
    }

    private async Task<IReadOnlyList<ArchiveRecoveryOutcome>> RecoverAsync()
    {
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        return await InterruptedArchiveRecovery.RecoverAsync(store, store, _ => _fixture.Destination);
    }

    public void Dispose() => _fixture.Dispose();
}
