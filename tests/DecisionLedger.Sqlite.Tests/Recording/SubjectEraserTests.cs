using System.Text;
using DecisionLedger.Entries;
using DecisionLedger.Erasure;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Sqlite.Tests.Recording;

public sealed class SubjectEraserTests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private const string Secret = "Zyxwvut-Distinctive-Secret-4711";
    private readonly RecorderFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task EraseAsync_SubjectWithDecisions_DeletesInputsAndAppendsEvent()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        ErasureResult result;
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store))
        {
            for (int i = 0; i < 20; i++)
            {
                await recorder.RecordAsync(RecorderFixture.Decision(i));
            }

            result = await SubjectEraser.EraseAsync(store, recorder, "customer-3", "GDPR Art. 17 request", "dpo");
        }

        Assert.Equal(4, result.DecisionsErased);
        Assert.Equal(20, result.ErasureSeq);
        foreach (long seq in new long[] { 3, 8, 13, 18 })
        {
            Assert.Null(await store.GetInputAsync(seq));
        }

        Assert.NotNull(await store.GetInputAsync(2));
        StoredEntry erasure = (await store.GetEntryAsync(20))!;
        Assert.Equal(LedgerEvent.ErasureKind, erasure.Columns.Kind);
        EventEntry parsed = EventCanonicalizer.Parse(erasure.CanonicalBytes);
        Assert.Equal(new ErasureEvent("customer-3", 4, "GDPR Art. 17 request", "dpo"), parsed.Event.Erasure);
        Assert.Equal(20, await SubjectEraser.FindErasureAsync(store, "customer-3"));

        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin, new VerificationOptions { CheckCanonicalForm = true });
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal(21, report.TreeSize);
        Assert.Equal(16, report.InputsVerified);
    }

    [Fact]
    public async Task EraseAsync_DistinctiveInput_LeavesNoCopyInAnyDatabaseFile()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store))
        {
            for (int i = 0; i < 50; i++)
            {
                await recorder.RecordAsync(i == 17 ? SecretDecision("customer-secret") : RecorderFixture.Decision(i));
            }

            Assert.True(FilesContain(Secret), "the test must see the secret before erasing, or it proves nothing");
            await SubjectEraser.EraseAsync(store, recorder, "customer-secret", "GDPR Art. 17 request", "dpo");
            await recorder.RecordAsync(RecorderFixture.Decision(99));
        }

        Assert.False(FilesContain(Secret), "the erased input's bytes are still in a database file");
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
    }

    [Fact]
    public async Task EraseAsync_Twice_SecondThrowsNamingEarlierErasure()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        for (int i = 0; i < 10; i++)
        {
            await recorder.RecordAsync(RecorderFixture.Decision(i));
        }

        ErasureResult first = await SubjectEraser.EraseAsync(store, recorder, "customer-1", "r", "dpo");
        UnknownSubjectException again = await Assert.ThrowsAsync<UnknownSubjectException>(
            async () => await SubjectEraser.EraseAsync(store, recorder, "customer-1", "r", "dpo"));
        Assert.Contains($"seq {first.ErasureSeq}", again.Message, StringComparison.Ordinal);
        Assert.Equal(first.ErasureSeq + 1, await store.GetSizeAsync());
    }

    [Fact]
    public async Task EraseAsync_UnknownSubject_ThrowsAndAppendsNothing()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        await recorder.RecordAsync(RecorderFixture.Decision(1));
        UnknownSubjectException error = await Assert.ThrowsAsync<UnknownSubjectException>(
            async () => await SubjectEraser.EraseAsync(store, recorder, "nobody", "r", "dpo"));
        Assert.Contains("'nobody'", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await store.GetSizeAsync());
    }

    [Fact]
    public async Task EraseAsync_DecisionRecordedAfterErasure_KeepsItsInput()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        await recorder.RecordAsync(RecorderFixture.Decision(2));
        await SubjectEraser.EraseAsync(store, recorder, "customer-2", "r", "dpo");
        RecordReceipt later = await recorder.RecordAsync(RecorderFixture.Decision(7));
        Assert.Equal(2, later.Seq);
        Assert.NotNull(await store.GetInputAsync(later.Seq));
    }

    [Fact]
    public async Task RecordEventAsync_BetweenDecisions_KeepsSeqContiguous()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        ValueTask<RecordReceipt> a = recorder.RecordAsync(RecorderFixture.Decision(1));
        ValueTask<RecordReceipt> e = recorder.RecordEventAsync(LedgerEvent.ForErasure(new ErasureEvent("x", 0, "r", "b")));
        ValueTask<RecordReceipt> b = recorder.RecordAsync(RecorderFixture.Decision(2));
        long[] seqs = [(await a).Seq, (await e).Seq, (await b).Seq];
        Assert.Equal([0, 1, 2], seqs);
        Assert.Null(await store.GetInputAsync(1));
    }

    private static Decision SecretDecision(string subject)
    {
        string json =
            "{\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"}," +
            $"\"input\":{{\"note\":\"{Secret}\",\"amount\":1}}," +
            "\"output\":{\"label\":\"legit\"}," +
            $"\"subject\":{{\"id\":\"{subject}\"}}}}";
        return DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(json));
    }

    private bool FilesContain(string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        foreach (string suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            string path = _fixture.DatabasePath + suffix;
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
