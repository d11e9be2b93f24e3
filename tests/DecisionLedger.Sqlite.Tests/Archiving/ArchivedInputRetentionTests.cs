using DecisionLedger.Archiving;
using DecisionLedger.Entries;
using DecisionLedger.Recording;
using DecisionLedger.Retention;
using DecisionLedger.Verification;

namespace DecisionLedger.Sqlite.Tests.Archiving;

/// <summary>
/// The policy's <c>inputs</c> duration reaches inputs already archived (issue 16): they are removed from the
/// archive files (entries unchanged), recorded as <c>input-retention</c> then <c>archive-rewrite</c>, held ones
/// stay, a second run does nothing, and verify still tells a policy deletion from a deletion by hand.
/// </summary>
public sealed class ArchivedInputRetentionTests : IDisposable
{
    private const string Origin = "test.local/ledger";

    // The fixture's first 150 decisions are of January 2026, the rest of February; P30D from March 1 reaches back to January 30.
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly RetentionPolicy HeldPolicy =
        RetentionPolicyParser.Parse("""{"retention":{"default":{"inputs":"P30D"},"holds":[{"subject":"customer-1","reason":"case 7"}]}}""", "test");

    private readonly ArchiveFixture _fixture = new();

    [Fact]
    public async Task Run_ArchivedInputsPastTheirDuration_AreRemovedFromTheFiles_HeldOnesKept_AndVerifyPasses()
    {
        // Archived while no policy deleted inputs: seqs 0-255 go to the archive with their inputs.
        await _fixture.SeedAsync(300);
        Assert.NotNull(await _fixture.ArchiveAsync());
        Dictionary<long, ArchiveRow> before = await ReadArchiveAsync();
        Assert.All(before.Values, r => Assert.NotNull(r.Input));

        RetentionRunResult run = await RunAsync(HeldPolicy);

        // January: seqs 0-149, every fifth about customer-1 (30), held; all of January is archived.
        ArchivedInputDeletionResult removed = Assert.IsType<ArchivedInputDeletionResult>(run.ArchivedInputsDeleted);
        Assert.Null(run.InputsDeleted);
        Assert.Equal(120, removed.Deleted);
        Assert.Equal(30, removed.Held);
        Assert.Equal(2, removed.Files);
        Assert.Empty(removed.Damaged);
        Dictionary<long, ArchiveRow> after = await ReadArchiveAsync();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach ((long seq, ArchiveRow row) in after)
        {
            Assert.Equal(before[seq].Entry, row.Entry);
            bool due = seq < 150 && row.Subject != "customer-1";
            Assert.Equal(due ? null : before[seq].Input, row.Input);
            Assert.Equal(due ? null : before[seq].Salt, row.Salt);
        }

        // Recorded in this order: input-retention, then one archive-rewrite per destination naming it.
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        EventEntry retention = EventCanonicalizer.Parse((await store.GetEntryAsync(removed.EventSeq))!.CanonicalBytes);
        Assert.Equal(120, retention.Event.InputRetention!.Decisions);
        long rewriteSeq = Assert.Single(removed.RewriteSeqs);
        Assert.True(rewriteSeq > removed.EventSeq);
        EventEntry rewrite = EventCanonicalizer.Parse((await store.GetEntryAsync(rewriteSeq))!.CanonicalBytes);
        Assert.Equal(ArchiveRewriteEvent.InputRetentionReason, rewrite.Event.ArchiveRewrite!.Reason);
        Assert.Equal(removed.EventSeq, rewrite.Event.ArchiveRewrite.RetentionSeq);
        Assert.Equal(2, rewrite.Event.ArchiveRewrite.Files.Count);
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Ledger.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
    }

    [Fact]
    public async Task Run_Twice_RemovesNothingTheSecondTime()
    {
        await _fixture.SeedAsync(300);
        await _fixture.ArchiveAsync();
        Assert.NotNull((await RunAsync(HeldPolicy)).ArchivedInputsDeleted);
        Dictionary<string, byte[]> files = Snapshot();
        long size = _fixture.Scalar("SELECT count(*) FROM entries;");

        RetentionRunResult second = await RunAsync(HeldPolicy);

        Assert.Null(second.ArchivedInputsDeleted);
        Assert.Equal(size, _fixture.Scalar("SELECT count(*) FROM entries;"));
        AssertUnchanged(files);
    }

    [Fact]
    public async Task Plan_ListsDueAndHeldArchivedInputs_AndChangesNothing()
    {
        await _fixture.SeedAsync(300);
        await _fixture.ArchiveAsync();
        Dictionary<string, byte[]> files = Snapshot();
        long size = _fixture.Scalar("SELECT count(*) FROM entries;");

        ArchivedInputRetentionPlan plan;
        await using (SqliteLedgerStore store = _fixture.Ledger.OpenStore())
        {
            await store.OpenAsync();
            plan = await ArchivedInputRetention.PlanAsync(store, _ => _fixture.Destination, _fixture.Ledger.Signer.Verifier, HeldPolicy, Now);
        }

        Assert.Equal(120, plan.Due.Count);
        Assert.Equal(30, plan.Held.Count);
        Assert.All(plan.Held, h => Assert.Equal("customer-1", h.Hold.Subject));
        Assert.Equal(2, plan.Files.Count);
        Assert.Equal(size, _fixture.Scalar("SELECT count(*) FROM entries;"));
        AssertUnchanged(files);
    }

    [Fact]
    public async Task Run_LegalHoldOnTheModel_KeepsItsArchivedInputs()
    {
        await _fixture.SeedAsync(300);
        await _fixture.ArchiveAsync();
        RetentionPolicy policy = RetentionPolicyParser.Parse("""{"retention":{"default":{"inputs":"P30D"},"holds":[{"model":"fraud"}]}}""", "test");

        ArchivedInputDeletionResult removed = (await RunAsync(policy)).ArchivedInputsDeleted!;

        Assert.Equal(75, removed.Deleted);
        Assert.Equal(75, removed.Held);
        Dictionary<long, ArchiveRow> after = await ReadArchiveAsync();
        Assert.All(after.Values.Where(r => r.Model == "fraud"), r => Assert.NotNull(r.Input));
        Assert.All(after.Values.Where(r => r.Model == "credit" && r.Seq < 150), r => Assert.Null(r.Input));
    }

    [Fact]
    public async Task Verify_ArchivedInputRemovedByHand_IsReported()
    {
        await _fixture.SeedAsync(300);
        await _fixture.ArchiveAsync();
        await RunAsync(HeldPolicy);

        // A February input (not due) dropped from its file by hand, the manifest left alone.
        string file = Directory.GetFiles(_fixture.ArchivePath, "*.parquet", SearchOption.AllDirectories).Single(f => f.Contains("fraud", StringComparison.Ordinal) && f.Contains("2026-02", StringComparison.Ordinal));
        IReadOnlyList<ArchiveRow> rows;
        await using (FileStream stream = File.OpenRead(file))
        {
            rows = await ArchiveParquetReader.ReadAsync(stream);
        }

        byte[] edited = await ArchiveParquetWriter.ToBytesAsync([.. rows.Select(r => r.Seq == 200 ? r with { Input = null, Salt = null } : r)], CancellationToken.None);
        await File.WriteAllBytesAsync(file, edited);

        VerificationReport report = await VerifyAsync();

        Assert.False(report.Passed);
        Assert.Equal(200, report.FirstFinding!.Seq);
        Assert.Contains("2026-02", report.FirstFinding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ArchivedInputRewrittenAwayWithoutAnInputRetentionEvent_IsInputMissing()
    {
        await _fixture.SeedAsync(300);
        await _fixture.ArchiveAsync();

        // A rewrite signed and recorded as if by policy, but no input-retention event covers seq 200 (February, not due).
        await using (SqliteLedgerStore store = _fixture.Ledger.OpenStore())
        {
            DecisionRecorder recorder = await _fixture.Ledger.StartAsync(store);
            await using (recorder)
            {
                var reader = new ArchiveReader(await ArchiveCatalog.LoadAsync(store), _ => _fixture.Destination, _fixture.Ledger.Signer.Verifier);
                List<ArchiveRewritePlan> plans = await ArchiveRewriter.PlanAsync(reader, r => r.Seq == 200, _ => false, null, CancellationToken.None);
                var written = await ArchiveRewriter.WriteAsync(reader, plans, _fixture.Ledger.Signer);
                (string destination, IReadOnlyList<ArchiveRewrittenFile> files, _) = Assert.Single(written);
                await recorder.RecordEventAsync(LedgerEvent.ForArchiveRewrite(ArchiveRewriteEvent.ForInputRetention(destination, 1, files), recorder.EntryFormat));
            }
        }

        VerificationReport report = await VerifyAsync();

        Assert.False(report.Passed);
        Assert.Equal(TamperKind.InputMissing, report.FirstFinding!.Kind);
        Assert.Equal(200, report.FirstFinding.Seq);
    }

    [Fact]
    public async Task Run_CrashAfterAFileWasRewritten_VerifyNamesTheFile_AndTheNextRunLeavesItAlone()
    {
        await _fixture.SeedAsync(300);
        await _fixture.ArchiveAsync();

        // The second file's write fails: the first is rewritten, and no archive-rewrite event commits to its new digest.
        var failing = new FailingSecondFileDestination(_fixture.Destination);
        await Assert.ThrowsAsync<IOException>(() => RunAsync(HeldPolicy, failing));
        string rewritten = Assert.Single(failing.Written);

        VerificationReport report = await VerifyAsync();
        Assert.False(report.Passed);
        Assert.Equal(TamperKind.ArchiveMismatch, report.FirstFinding!.Kind);
        Assert.Contains(rewritten, report.FirstFinding.Detail, StringComparison.Ordinal);

        // The next run finishes the other file and leaves this one as it is: verify still names it.
        byte[] left = await File.ReadAllBytesAsync(Path.Combine(_fixture.ArchivePath, rewritten));
        ArchivedInputDeletionResult next = (await RunAsync(HeldPolicy)).ArchivedInputsDeleted!;
        Assert.Equal(1, next.Files);
        Assert.Equal(left, await File.ReadAllBytesAsync(Path.Combine(_fixture.ArchivePath, rewritten)));
        report = await VerifyAsync();
        Assert.Equal(TamperKind.ArchiveMismatch, report.FirstFinding!.Kind);
        Assert.Contains(rewritten, report.FirstFinding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FileThatFailsItsChecks_IsNotRewritten_AndIsListed()
    {
        await _fixture.SeedAsync(300);
        await _fixture.ArchiveAsync();
        string damaged = Directory.GetFiles(_fixture.ArchivePath, "*.parquet", SearchOption.AllDirectories).Single(f => f.Contains("credit", StringComparison.Ordinal) && f.Contains("2026-01", StringComparison.Ordinal));
        await File.AppendAllTextAsync(damaged, "x");
        byte[] bytes = await File.ReadAllBytesAsync(damaged);

        ArchivedInputDeletionResult removed = (await RunAsync(HeldPolicy)).ArchivedInputsDeleted!;

        Assert.Equal(1, removed.Files);
        Assert.Equal(60, removed.Deleted);
        string relative = Path.GetRelativePath(_fixture.ArchivePath, damaged);
        Assert.Contains(removed.Damaged, d => d.Contains(relative, StringComparison.Ordinal));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(damaged));
    }

    private async Task<RetentionRunResult> RunAsync(RetentionPolicy policy, IArchiveDestination? destination = null)
    {
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        DecisionRecorder recorder = await _fixture.Ledger.StartAsync(store);
        await using (recorder)
        {
            var runner = new RetentionRunner(store, store, _fixture.Ledger.Signer, recorder, _ => destination ?? _fixture.Destination);
            return await runner.RunAsync(null, _ => false, policy, Now);
        }
    }

    private async Task<VerificationReport> VerifyAsync()
    {
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        return await new LedgerVerifier().VerifyAsync(store, _fixture.Ledger.Signer.Verifier, Origin);
    }

    private async Task<Dictionary<long, ArchiveRow>> ReadArchiveAsync()
    {
        var rows = new Dictionary<long, ArchiveRow>();
        foreach (string file in Directory.GetFiles(_fixture.ArchivePath, "*.parquet", SearchOption.AllDirectories))
        {
            await using FileStream stream = File.OpenRead(file);
            foreach (ArchiveRow row in await ArchiveParquetReader.ReadAsync(stream))
            {
                rows.Add(row.Seq, row);
            }
        }

        return rows;
    }

    private Dictionary<string, byte[]> Snapshot() =>
        Directory.GetFiles(_fixture.ArchivePath, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

    private void AssertUnchanged(Dictionary<string, byte[]> files)
    {
        Assert.Equal(files.Keys.Order(), Directory.GetFiles(_fixture.ArchivePath, "*", SearchOption.AllDirectories).Order());
        foreach ((string path, byte[] bytes) in files)
        {
            Assert.Equal(bytes, File.ReadAllBytes(path));
        }
    }

    public void Dispose() => _fixture.Dispose();

    /// <summary>A real directory destination that fails the second Parquet file written, as a full disk or a dropped connection would.</summary>
    private sealed class FailingSecondFileDestination(DirectoryArchiveDestination inner) : IArchiveDestination
    {
        public List<string> Written { get; } = [];

        public string Describe() => inner.Describe();

        public Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
        {
            if (path.EndsWith(ArchivePaths.FileExtension, StringComparison.Ordinal))
            {
                if (Written.Count == 1)
                {
                    throw new IOException($"{path}: no space left on device");
                }

                Written.Add(path);
            }

            return inner.WriteAsync(path, content, cancellationToken);
        }

        public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default) => inner.OpenReadAsync(path, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);
    }
}
