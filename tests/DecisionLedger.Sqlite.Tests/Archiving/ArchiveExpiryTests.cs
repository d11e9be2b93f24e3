using DecisionLedger.Archiving;
using DecisionLedger.Entries;
using DecisionLedger.Recording;
using DecisionLedger.Retention;
using DecisionLedger.Verification;

namespace DecisionLedger.Sqlite.Tests.Archiving;

/// <summary>
/// The policy's <c>keep</c> carried out (issue 16): archive files whose every decision is past keep are
/// recorded in an <c>archive-expiry</c> event and then deleted, legal holds keep whole files, verification
/// passes and counts them, and a run stopped between the event and the deletion is finished by the next.
/// </summary>
public sealed class ArchiveExpiryTests : IDisposable
{
    private const string Origin = "test.local/ledger";

    // January decisions (seqs 0-149) are past a one-year keep on 2027-02-01, February ones (150-255 archived) are not.
    private static readonly DateTimeOffset Now = new(2027, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ArchiveFixture _fixture = new();

    [Fact]
    public async Task Run_FilesPastKeep_AreRecordedThenDeleted_AndVerifyPassesCountingThem()
    {
        await ArchivedLedgerAsync();

        RetentionRunResult run = await RunAsync(Policy(""));

        ArchiveExpiryResult expired = run.ArchivesExpired!;
        Assert.Equal(["credit/2026-01/000000000001-000000000149.parquet", "fraud/2026-01/000000000000-000000000148.parquet"], expired.Deleted.Select(f => f.File).Order(StringComparer.Ordinal));
        Assert.Equal(150, expired.Decisions);
        Assert.All(expired.Deleted, f => Assert.False(File.Exists(Path.Combine(_fixture.ArchivePath, f.File))));
        Assert.All(expired.Deleted, f => Assert.False(File.Exists(Path.Combine(_fixture.ArchivePath, f.File + ".manifest"))));
        Assert.Equal(2, Directory.GetFiles(_fixture.ArchivePath, "*.parquet", SearchOption.AllDirectories).Length);

        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        EventEntry recorded = EventCanonicalizer.Parse((await store.GetEntryAsync(expired.EventSeq!.Value))!.CanonicalBytes);
        Assert.Equal(LedgerEvent.ArchiveExpiryKind, recorded.Event.Kind);
        Assert.Equal(150, recorded.Event.ArchiveExpiry!.Decisions);
        Assert.Contains(recorded.Event.ArchiveExpiry.Cutoffs, c => c.Model is null && c.Before == new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.All(recorded.Event.ArchiveExpiry.Files, f => Assert.Equal(_fixture.Destination.Describe(), f.Destination));

        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Ledger.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal(150, report.Expired!.Decisions);
        Assert.Equal(2, report.Expired.Files);
        Assert.Equal([expired.EventSeq.Value], report.Expired.EventSeqs);
    }

    [Theory]
    [InlineData("""{"subject":"customer-1"}""", 0, 2)]
    [InlineData("""{"model":"credit"}""", 1, 1)]
    [InlineData("""{"fromSeq":3,"toSeq":3}""", 1, 1)]
    public async Task Run_LegalHold_KeepsEveryFileItCoversWhole(string hold, int deleted, int held)
    {
        await ArchivedLedgerAsync();

        RetentionRunResult run = await RunAsync(Policy(""","holds":[""" + hold + "]"));

        Assert.Equal(deleted, run.ArchivesExpired!.Deleted.Count);
        Assert.Equal(held, run.ArchivesExpired.Held);
        Assert.Equal(4 - deleted, Directory.GetFiles(_fixture.ArchivePath, "*.parquet", SearchOption.AllDirectories).Length);
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Ledger.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
    }

    [Fact]
    public async Task Verify_ArchiveFileDeletedByHand_IsStillArchiveMissing()
    {
        await ArchivedLedgerAsync();
        await RunAsync(Policy(""));

        // A February file, not expired, removed behind the ledger's back.
        File.Delete(Path.Combine(_fixture.ArchivePath, "fraud/2026-02/000000000150-000000000254.parquet"));

        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Ledger.Signer.Verifier, Origin);
        Assert.False(report.Passed);
        Assert.Equal(TamperKind.ArchiveMissing, report.FirstFinding!.Kind);
        Assert.Contains("fraud/2026-02/000000000150-000000000254.parquet", report.FirstFinding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StoppedBetweenEventAndDeletion_IsFinishedByTheNextRun()
    {
        await ArchivedLedgerAsync();
        RetentionPolicy policy = Policy("");

        // The first half of a run: the event recorded through the step's own code path, then the run stops.
        long eventSeq;
        await using (SqliteLedgerStore store = _fixture.Ledger.OpenStore())
        {
            DecisionRecorder recorder = await _fixture.Ledger.StartAsync(store);
            await using (recorder)
            {
                ArchiveExpiryPlan plan = await ArchiveExpiryPlanner.PlanAsync(store, _fixture.Ledger.Signer.Verifier, _ => _fixture.Destination, policy, Now);
                Assert.Equal(2, plan.Due.Count);
                eventSeq = await ArchiveExpiry.RecordAsync(recorder, plan, CancellationToken.None);
            }
        }

        Assert.Equal(4, Directory.GetFiles(_fixture.ArchivePath, "*.parquet", SearchOption.AllDirectories).Length);
        await using (SqliteLedgerStore store = _fixture.Ledger.OpenStore())
        {
            await store.OpenAsync();
            VerificationReport between = await new LedgerVerifier().VerifyAsync(store, _fixture.Ledger.Signer.Verifier, Origin);
            Assert.True(between.Passed, between.FirstFinding?.Detail);
            Assert.Equal(150, between.Expired!.Decisions);
        }

        RetentionRunResult next = await RunAsync(policy);

        Assert.Equal(2, next.ArchivesExpired!.Completed);
        Assert.Empty(next.ArchivesExpired.Deleted);
        Assert.Null(next.ArchivesExpired.EventSeq);
        Assert.Equal(2, Directory.GetFiles(_fixture.ArchivePath, "*.parquet", SearchOption.AllDirectories).Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(_fixture.ArchivePath, "fraud", "2026-01")));
        await using SqliteLedgerStore reopened = _fixture.Ledger.OpenStore();
        await reopened.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(reopened, _fixture.Ledger.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal([eventSeq], report.Expired!.EventSeqs);
    }

    [Fact]
    public async Task Plan_ChangesNothing()
    {
        await ArchivedLedgerAsync();
        long size;
        await using (SqliteLedgerStore store = _fixture.Ledger.OpenStore())
        {
            await store.OpenAsync();
            size = await store.GetSizeAsync();
            ArchiveExpiryPlan plan = await ArchiveExpiryPlanner.PlanAsync(store, _fixture.Ledger.Signer.Verifier, _ => _fixture.Destination, Policy(""), Now);
            Assert.Equal(150, plan.DueDecisions);
        }

        Assert.Equal(8, Directory.GetFiles(_fixture.ArchivePath, "*", SearchOption.AllDirectories).Length);
        await using SqliteLedgerStore reopened = _fixture.Ledger.OpenStore();
        await reopened.OpenAsync();
        Assert.Equal(size, await reopened.GetSizeAsync());
    }

    [Fact]
    public async Task Catalog_ExpiredSeq_SaysWhenAndByWhichEvent()
    {
        await ArchivedLedgerAsync();
        RetentionRunResult run = await RunAsync(Policy(""));

        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        ArchiveCatalog catalog = await ArchiveCatalog.LoadAsync(store);
        var view = new ArchiveBackedLedgerStore(store, new ArchiveReader(catalog, _ => _fixture.Destination, _fixture.Ledger.Signer.Verifier));
        Assert.Null(await view.GetEntryAsync(10));
        Assert.NotNull(await view.GetEntryAsync(200));
        string message = catalog.ExpiryOf(10)!.Describe(10);
        Assert.Contains($"archive-expiry event seq {run.ArchivesExpired!.EventSeq}", message, StringComparison.Ordinal);
        Assert.Contains("deleted by the retention policy on ", message, StringComparison.Ordinal);
        Assert.Contains("still proves the entry existed", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_KeepBelowTheFloorWithoutOverride_IsRefused()
    {
        await ArchivedLedgerAsync();
        RetentionPolicy parsed = Policy("");
        RetentionPolicy unchecked_ = parsed with { Default = new RetentionRule(null, null, IsoDuration.Parse("P1M", "keep")) };

        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        RetentionPolicyException refused = await Assert.ThrowsAsync<RetentionPolicyException>(() =>
            ArchiveExpiryPlanner.PlanAsync(store, _fixture.Ledger.Signer.Verifier, _ => _fixture.Destination, unchecked_, Now));
        Assert.Equal("retention.default.keep", refused.Field);
        Assert.Equal(4, Directory.GetFiles(_fixture.ArchivePath, "*.parquet", SearchOption.AllDirectories).Length);
    }

    private static RetentionPolicy Policy(string more) =>
        RetentionPolicyParser.Parse("""{"retention":{"default":{"keep":"P1Y"}""" + more + "}}", "test");

    private async Task ArchivedLedgerAsync()
    {
        await _fixture.SeedAsync(300);
        ArchiveRunResult? archived = await _fixture.ArchiveAsync();
        Assert.NotNull(archived);
        Assert.Equal(4, archived.Files.Count);
    }

    private async Task<RetentionRunResult> RunAsync(RetentionPolicy policy)
    {
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        DecisionRecorder recorder = await _fixture.Ledger.StartAsync(store);
        await using (recorder)
        {
            var runner = new RetentionRunner(store, store, _fixture.Ledger.Signer, recorder, _ => _fixture.Destination);
            return await runner.RunAsync(null, _ => false, policy, Now);
        }
    }

    public void Dispose() => _fixture.Dispose();
}
