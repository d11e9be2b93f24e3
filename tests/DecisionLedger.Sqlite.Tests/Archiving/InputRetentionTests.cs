using DecisionLedger.Archiving;
using DecisionLedger.Entries;
using DecisionLedger.Recording;
using DecisionLedger.Retention;
using DecisionLedger.Verification;

namespace DecisionLedger.Sqlite.Tests.Archiving;

/// <summary>The policy's <c>inputs</c> duration carried out (issue 16): live inputs deleted before archiving, recorded, held ones kept, and verification still passes.</summary>
public sealed class InputRetentionTests : IDisposable
{
    private const string Origin = "test.local/ledger";

    // The fixture's first 150 decisions are of January 2026, the rest of February; P30D from March 1 reaches back to January 30.
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ArchiveFixture _fixture = new();

    [Fact]
    public async Task DeleteDue_InputsPastTheirDuration_AreDeletedRecordedAndVerifyPasses()
    {
        await _fixture.SeedAsync(300);
        RetentionPolicy policy = RetentionPolicyParser.Parse("""{"retention":{"default":{"inputs":"P30D"},"holds":[{"subject":"customer-1","reason":"case 7"}]}}""", "test");

        InputDeletionResult? result = await DeleteAsync(policy);

        // January: 150 decisions, every fifth about customer-1 (30), held.
        Assert.NotNull(result);
        Assert.Equal(120, result.Deleted);
        Assert.Equal(30, result.Held);
        Assert.Equal(180, _fixture.Scalar("SELECT count(*) FROM inputs;"));
        Assert.Equal(30, _fixture.Scalar("SELECT count(*) FROM inputs WHERE seq < 150;"));
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        EventEntry recorded = EventCanonicalizer.Parse((await store.GetEntryAsync(result.EventSeq))!.CanonicalBytes);
        Assert.Equal(LedgerEvent.InputRetentionKind, recorded.Event.Kind);
        Assert.Equal(120, recorded.Event.InputRetention!.Decisions);
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Ledger.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
    }

    [Fact]
    public async Task Verify_InputDeletedOutsideThePolicy_IsStillReported()
    {
        await _fixture.SeedAsync(300);
        await DeleteAsync(RetentionPolicyParser.Parse("""{"retention":{"default":{"inputs":"P30D"}}}""", "test"));

        // A February input (not due) deleted behind the ledger's back.
        await using (SqliteLedgerStore writable = _fixture.Ledger.OpenStore())
        {
            await writable.OpenAsync();
            await writable.DeleteInputsAsync([201]);
        }

        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Ledger.Signer.Verifier, Origin);
        Assert.False(report.Passed);
        Assert.Equal(TamperKind.InputMissing, report.FirstFinding!.Kind);
        Assert.Equal(201, report.FirstFinding.Seq);
    }

    [Fact]
    public async Task Archive_AfterInputDeletion_ArchivesNoDeletedInput_AndVerifyPasses()
    {
        await _fixture.SeedAsync(300);
        RetentionPolicy policy = RetentionPolicyParser.Parse("""{"retention":{"default":{"live":"P1D","inputs":"P30D"}}}""", "test");
        RetentionRunResult run;
        await using (SqliteLedgerStore store = _fixture.Ledger.OpenStore())
        {
            DecisionRecorder recorder = await _fixture.Ledger.StartAsync(store);
            await using (recorder)
            {
                var runner = new RetentionRunner(store, store, _fixture.Ledger.Signer, recorder, _ => _fixture.Destination);
                run = await runner.RunAsync(_fixture.Destination, c => policy.IsArchiveDue(c, Now), policy, Now);
            }
        }

        Assert.Equal(150, run.InputsDeleted!.Deleted);
        ArchiveRunResult archived = Assert.Single(run.Archived);
        var rows = new List<ArchiveRow>();
        foreach (ArchivedFile file in archived.Files)
        {
            await using FileStream stream = File.OpenRead(Path.Combine(_fixture.ArchivePath, file.File));
            rows.AddRange(await ArchiveParquetReader.ReadAsync(stream));
        }

        Assert.All(rows.Where(r => r.Seq < 150), r => Assert.Null(r.Input));
        Assert.All(rows.Where(r => r.Seq >= 150), r => Assert.NotNull(r.Input));
        await using SqliteLedgerStore reopened = _fixture.Ledger.OpenStore();
        await reopened.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(reopened, _fixture.Ledger.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
    }

    private async Task<InputDeletionResult?> DeleteAsync(RetentionPolicy policy)
    {
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        DecisionRecorder recorder = await _fixture.Ledger.StartAsync(store);
        await using (recorder)
        {
            return await InputRetention.DeleteDueAsync(store, recorder, policy, Now);
        }
    }

    public void Dispose() => _fixture.Dispose();
}
