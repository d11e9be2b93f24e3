using System.Text;
using DecisionLedger.Decisions;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>
/// The recorder writing entry format 2 on a real SQLite ledger: the format event, subject refs, prev chains, a heads
/// entry under every checkpoint, refs that survive restarts and failed commits, and the switch of a v1 ledger.
/// </summary>
public sealed class EntryFormatV2RecorderTests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private readonly RecorderFixture _fixture = new();
    private int _starts = 100;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Validate_EntryFormatThree_NamesTheOption()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new LedgerOptions { EntryFormat = 3 }.Validate());
        Assert.Contains("LedgerOptions.EntryFormat", error.Message, StringComparison.Ordinal);
        Assert.Contains("got 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NewLedgerWithFormat2_WritesTheFormatEventAtSeqZero()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using (DecisionRecorder recorder = await StartAsync(store, V2()))
        {
            await recorder.FlushAsync();
        }

        List<V2LedgerCheck.Row> rows = await V2LedgerCheck.ReadAsync(store);
        Assert.Equal("format", rows[0].Kind);
        Assert.Equal(0, await V2LedgerCheck.AssertValidAsync(store));
        await AssertVerifiesAsync(store);
    }

    [Fact]
    public async Task RecordAsync_V2_ChainsSubjectsAndModelsAndPutsHeadsUnderEveryCheckpoint()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();

        // A checkpoint with every commit: many heads entries, each checked against a map rebuilt from scratch.
        await using (DecisionRecorder recorder = await StartAsync(store, V2(o => o.CheckpointMinInterval = TimeSpan.Zero)))
        {
            for (int i = 0; i < 40; i++)
            {
                await recorder.RecordAsync(MixedDecision(i));
            }
        }

        List<V2LedgerCheck.Row> rows = await V2LedgerCheck.ReadAsync(store);
        Assert.Contains(rows, row => row.Kind is null && row.SubjectRef is null);
        Assert.Equal(5, rows.Where(row => row.SubjectRef is not null).Select(row => row.SubjectRef).Distinct().Count());
        Assert.True(rows.Count(row => row.Kind == "heads") > 10);
        Assert.Equal(0, await V2LedgerCheck.AssertValidAsync(store));
        await AssertVerifiesAsync(store);
    }

    [Fact]
    public async Task RecordAsync_V2_StoresTheMappingAndNoSubjectIdInAnyEntryOrColumn()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using (DecisionRecorder recorder = await StartAsync(store, V2()))
        {
            for (int i = 0; i < 10; i++)
            {
                await recorder.RecordAsync(RecorderFixture.Decision(i));
            }
        }

        IReadOnlyDictionary<string, string> refs = await store.GetSubjectRefsAsync(["customer-0", "customer-1", "customer-4"]);
        Assert.Equal(3, refs.Count);
        await foreach (StoredEntry entry in store.ReadEntriesAsync(0, await store.GetSizeAsync()))
        {
            Assert.DoesNotContain("customer-", Encoding.UTF8.GetString(entry.CanonicalBytes), StringComparison.Ordinal);
            Assert.False(entry.Columns.SubjectId?.StartsWith("customer-", StringComparison.Ordinal) == true, $"seq {entry.Seq}: the subject column holds the id");
        }

        // Queries still take the clear id.
        var found = new List<long>();
        await foreach (StoredEntry entry in store.QueryAsync(new EntryFilter { SubjectId = "customer-1", Limit = 100 }))
        {
            found.Add(entry.Seq);
            Assert.Equal(refs["customer-1"], entry.Columns.SubjectId);
        }

        Assert.Equal(2, found.Count);
    }

    [Fact]
    public async Task RecordAsync_PreparedDecisions_GoThroughTheSameV2Builder()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        var preparer = new DecisionPreparer(_fixture.Fingerprinter, NoRedaction.Instance, TimeProvider.System, new SeededRandomSource(3));
        await using (DecisionRecorder recorder = await StartAsync(store, V2()))
        {
            for (int i = 0; i < 12; i++)
            {
                await recorder.RecordAsync(preparer.Prepare(MixedDecision(i)));
            }
        }

        List<V2LedgerCheck.Row> rows = await V2LedgerCheck.ReadAsync(store);
        Assert.Equal(12, rows.Count(row => row.Kind is null));
        Assert.All(rows.Where(row => row.Kind is null), row => Assert.NotNull(row.PrevModel));
        await V2LedgerCheck.AssertValidAsync(store);
        await AssertVerifiesAsync(store);
    }

    [Fact]
    public async Task StartAsync_AfterRestart_KeepsRefsAndContinuesTheChains()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        RecordReceipt first;
        await using (DecisionRecorder recorder = await StartAsync(store, V2()))
        {
            first = await recorder.RecordAsync(RecorderFixture.Decision(1));
        }

        RecordReceipt second;
        await using (DecisionRecorder recorder = await StartAsync(store, V2()))
        {
            second = await recorder.RecordAsync(RecorderFixture.Decision(6));
        }

        List<V2LedgerCheck.Row> rows = await V2LedgerCheck.ReadAsync(store);
        V2LedgerCheck.Row a = rows[(int)first.Seq], b = rows[(int)second.Seq];
        Assert.Equal(a.SubjectRef, b.SubjectRef);
        Assert.Equal(first.Seq, b.PrevSubject);
        Assert.Equal(first.Seq, b.PrevModel);
        Assert.Equal(1, rows.Count(row => row.Kind == "format"));
        await V2LedgerCheck.AssertValidAsync(store);
        await AssertVerifiesAsync(store);
    }

    [Fact]
    public async Task RecordAsync_AfterAFailedCommit_ForgetsTheUncommittedRefAndRebuildsTheChains()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using (DecisionRecorder recorder = await StartAsync(store, V2(o => o.MaxAppendAttempts = 1)))
            {
                RecordReceipt kept = await recorder.RecordAsync(Subject("kept-subject", 1));
                store.FailNextAppends = 1;
                await Assert.ThrowsAsync<LedgerStoreException>(async () => await recorder.RecordAsync(Subject("new-subject", 2)));
                Assert.Empty(await store.GetSubjectRefsAsync(["new-subject"]));

                RecordReceipt again = await recorder.RecordAsync(Subject("new-subject", 3));
                RecordReceipt keptAgain = await recorder.RecordAsync(Subject("kept-subject", 4));
                List<V2LedgerCheck.Row> rows = await V2LedgerCheck.ReadAsync(store);
                IReadOnlyDictionary<string, string> stored = await store.GetSubjectRefsAsync(["new-subject", "kept-subject"]);
                Assert.Equal(stored["new-subject"], rows[(int)again.Seq].SubjectRef);
                Assert.Equal(-1, rows[(int)again.Seq].PrevSubject);
                Assert.Equal(stored["kept-subject"], rows[(int)kept.Seq].SubjectRef);
                Assert.Equal(stored["kept-subject"], rows[(int)keptAgain.Seq].SubjectRef);
                Assert.Equal(kept.Seq, rows[(int)keptAgain.Seq].PrevSubject);
                Assert.Equal(again.Seq, rows[(int)keptAgain.Seq].PrevModel);
            }

            Assert.Equal(1, store.FailedAppends);
            await V2LedgerCheck.AssertValidAsync(store);
            await AssertVerifiesAsync(store);
        }
    }

    [Fact]
    public async Task StartAsync_V1LedgerWithFormat2_SwitchesAtTheNextSeqOnce()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using (DecisionRecorder recorder = await StartAsync(store))
        {
            for (int i = 0; i < 5; i++)
            {
                await recorder.RecordAsync(RecorderFixture.Decision(i));
            }
        }

        long v1Size = await store.GetSizeAsync();
        for (int run = 0; run < 2; run++)
        {
            await using DecisionRecorder recorder = await StartAsync(store, V2());
            await recorder.RecordAsync(RecorderFixture.Decision(10 + run));
        }

        List<V2LedgerCheck.Row> rows = await V2LedgerCheck.ReadAsync(store);
        Assert.Equal(v1Size, await V2LedgerCheck.AssertValidAsync(store));
        Assert.Contains(rows.Take((int)v1Size), row => row.Root.GetProperty("subject").TryGetProperty("id", out _));

        // The first v2 decision about a subject seen in v1 entries starts its chain: v1 entries are in no chain.
        V2LedgerCheck.Row firstV2 = rows.First(row => row.Kind is null && row.V == 2);
        Assert.Equal(-1, firstV2.PrevSubject);
        Assert.Equal(-1, firstV2.PrevModel);
        await AssertVerifiesAsync(store);
    }

    [Fact]
    public async Task StartAsync_V2LedgerWithFormat1_IsRefusedAndWritesNothing()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using (DecisionRecorder recorder = await StartAsync(store, V2()))
        {
            await recorder.RecordAsync(RecorderFixture.Decision(1));
        }

        long size = await store.GetSizeAsync();
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(async () => await StartAsync(store, new LedgerOptions { Origin = Origin }));
        Assert.Contains("LedgerOptions.EntryFormat", error.Message, StringComparison.Ordinal);
        Assert.Contains("seq 0", error.Message, StringComparison.Ordinal);
        Assert.Equal(size, await store.GetSizeAsync());
    }

    [Fact]
    public async Task CheckpointTick_V2_SignsOverAHeadsEntry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        await using SqliteLedgerStore store = _fixture.OpenStore();
        var options = V2(o =>
        {
            o.CheckpointMinInterval = TimeSpan.FromSeconds(1);
            o.CheckpointInterval = TimeSpan.FromSeconds(1);
            o.CommitLinger = TimeSpan.Zero;
        });
        await using (DecisionRecorder recorder = await StartAsync(store, options, time))
        {
            await recorder.RecordAsync(RecorderFixture.Decision(1));
            long before = (await store.GetLatestCheckpointAsync())?.TreeSize ?? 0;
            time.Advance(TimeSpan.FromSeconds(2));
            StoredCheckpoint ticked = await WaitForCheckpointBeyondAsync(store, recorder, before);
            Assert.Equal("heads", (await V2LedgerCheck.ReadAsync(store))[(int)ticked.TreeSize - 1].Kind);
            await recorder.RecordAsync(RecorderFixture.Decision(2));
        }

        await V2LedgerCheck.AssertValidAsync(store);
        await AssertVerifiesAsync(store);
    }

    // Each start draws from its own seed: a restarted recorder with the same seed would draw the same "fresh" refs, which the
    // store rightly refuses (a ref belongs to one subject). Production draws from the OS CSPRNG.
    private ValueTask<DecisionRecorder> StartAsync(ILedgerStore store, LedgerOptions? options = null, TimeProvider? time = null) =>
        DecisionRecorder.StartAsync(store, _fixture.Signer, _fixture.Fingerprinter, options ?? new LedgerOptions { Origin = Origin }, time, new SeededRandomSource(++_starts));

    internal static LedgerOptions V2(Action<LedgerOptions>? configure = null)
    {
        var options = new LedgerOptions { Origin = Origin, EntryFormat = 2, AppendRetryDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return options;
    }

    // Subjects customer-0..4, and every third decision about nobody; two models.
    internal static Decision MixedDecision(int i)
    {
        string subject = i % 3 == 2 ? string.Empty : $",\"subject\":{{\"id\":\"customer-{i % 5}\"}}";
        string model = i % 4 == 0 ? "credit_limit" : "fraud_detector";
        string json = $"{{\"model\":{{\"name\":\"{model}\",\"version\":\"1.0.0\"}},\"input\":{{\"amount\":{i}}},\"output\":{{\"label\":\"legit\"}}{subject}}}";
        return DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(json));
    }

    internal static Decision Subject(string subjectId, int i)
    {
        string json = $"{{\"model\":{{\"name\":\"fraud_detector\",\"version\":\"1.0.0\"}},\"input\":{{\"amount\":{i}}},\"output\":{{\"label\":\"legit\"}},\"subject\":{{\"id\":\"{subjectId}\"}}}}";
        return DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(json));
    }

    private async Task AssertVerifiesAsync(ILedgerStore store)
    {
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin, new VerificationOptions { CheckCanonicalForm = true });
        Assert.True(report.Passed, report.FirstFinding?.Detail);
    }

    // As RecorderStagesTests: the timer's tick reaches the queue on the fake clock's thread; each flush passes the builder.
    private static async Task<StoredCheckpoint> WaitForCheckpointBeyondAsync(ILedgerStore store, DecisionRecorder recorder, long size)
    {
        for (int i = 0; i < 300; i++)
        {
            await recorder.FlushAsync();
            if (await store.GetLatestCheckpointAsync() is { } checkpoint && checkpoint.TreeSize > size)
            {
                return checkpoint;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"no checkpoint beyond tree size {size} was stored");
    }
}
