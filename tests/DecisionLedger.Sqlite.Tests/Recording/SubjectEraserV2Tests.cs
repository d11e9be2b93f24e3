using System.Text;
using System.Text.Json;
using DecisionLedger.Entries;
using DecisionLedger.Erasure;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>Erasure in a v2 ledger: the mapping row goes, the event names the ref, and nothing links the id to an entry.</summary>
public sealed class SubjectEraserV2Tests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private const string SubjectId = "Subject-Distinctive-Id-4711@example.test";
    private readonly RecorderFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task EraseAsync_V2_DeletesTheMappingRecordsTheRefAndLeavesTheIdInNoFileAndNoLogLine()
    {
        using var logs = new ListLoggerProvider();
        await using SqliteLedgerStore store = _fixture.OpenStore();
        string subjectRef;
        ErasureResult result;
        RecordReceipt later;
        await using (DecisionRecorder recorder = await StartAsync(store, logs))
        {
            for (int i = 0; i < 12; i++)
            {
                await recorder.RecordAsync(i % 4 == 1 ? EntryFormatV2RecorderTests.Subject(SubjectId, i) : EntryFormatV2RecorderTests.MixedDecision(i));
            }

            subjectRef = (await store.GetSubjectRefsAsync([SubjectId]))[SubjectId];
            Assert.True(FilesContain(SubjectId), "the mapping row must hold the id before erasure, or the test proves nothing");
            result = await SubjectEraser.EraseAsync(store, recorder, SubjectId, "GDPR Art. 17 request", "dpo");

            // A later decision about the same id is no part of the erased chain.
            later = await recorder.RecordAsync(EntryFormatV2RecorderTests.Subject(SubjectId, 99));
            await SubjectEraser.EraseAsync(store, recorder, SubjectId, "second request", "dpo");
        }

        Assert.Equal(3, result.DecisionsErased);
        StoredEntry erasure = (await store.GetEntryAsync(result.ErasureSeq))!;
        Assert.Equal(LedgerEvent.ErasureKind, erasure.Columns.Kind);
        Assert.Equal(subjectRef, erasure.Columns.SubjectId);
        using (JsonDocument json = JsonDocument.Parse(erasure.CanonicalBytes))
        {
            JsonElement ev = json.RootElement.GetProperty("event");
            Assert.Equal(2, json.RootElement.GetProperty("v").GetInt32());
            Assert.Equal(subjectRef, ev.GetProperty("subjectRef").GetString());
            Assert.False(ev.TryGetProperty("subjectId", out _), "a v2 erasure event names the ref, never the id");
        }

        List<V2LedgerCheck.Row> rows = await V2LedgerCheck.ReadAsync(store);
        Assert.NotEqual(subjectRef, rows[(int)later.Seq].SubjectRef);
        Assert.Equal(-1, rows[(int)later.Seq].PrevSubject);
        Assert.Empty(await store.GetSubjectRefsAsync([SubjectId]));

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.False(FilesContain(SubjectId), "the subject id is still in a database file");
        Assert.DoesNotContain(logs.Entries, entry => entry.ToString().Contains(SubjectId, StringComparison.Ordinal));
        await V2LedgerCheck.AssertValidAsync(store);
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
    }

    [Fact]
    public async Task EraseAsync_V2Twice_SecondReportsTheSubjectUnknownAndAppendsNothing()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await StartAsync(store, logs: null);
        await recorder.RecordAsync(EntryFormatV2RecorderTests.Subject(SubjectId, 1));
        await SubjectEraser.EraseAsync(store, recorder, SubjectId, "r", "dpo");
        await recorder.FlushAsync();
        long size = await store.GetSizeAsync();

        UnknownSubjectException again = await Assert.ThrowsAsync<UnknownSubjectException>(async () => await SubjectEraser.EraseAsync(store, recorder, SubjectId, "r", "dpo"));
        Assert.Contains("already erased", again.Message, StringComparison.Ordinal);
        await recorder.FlushAsync();
        Assert.Equal(size, await store.GetSizeAsync());
    }

    [Fact]
    public async Task EraseAsync_V2WithEncryptedInputs_DeletesKeyAndMappingSoNoFileHoldsTheId()
    {
        using var logs = new ListLoggerProvider();
        await using SqliteLedgerStore store = _fixture.OpenStore();
        byte[] master = new byte[32];
        new SeededRandomSource(5).Fill(master);
        LedgerOptions options = EntryFormatV2RecorderTests.V2(o =>
        {
            o.EncryptInputs = true;
            o.MasterKey = DecisionLedger.Encryption.MasterKey.FromBase64(Convert.ToBase64String(master));
        });
        await using (DecisionRecorder recorder = await DecisionRecorder.StartAsync(store, _fixture.Signer, _fixture.Fingerprinter, options, random: new SeededRandomSource(7), loggerFactory: logs))
        {
            for (int i = 0; i < 6; i++)
            {
                await recorder.RecordAsync(EntryFormatV2RecorderTests.Subject(i % 2 == 0 ? SubjectId : "someone-else", i));
            }

            await SubjectEraser.EraseAsync(store, recorder, SubjectId, "GDPR Art. 17 request", "dpo");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.False(FilesContain(SubjectId), "the subject id is still in a database file (mapping or key row)");
        Assert.DoesNotContain(logs.Entries, entry => entry.ToString().Contains(SubjectId, StringComparison.Ordinal));
    }

    private ValueTask<DecisionRecorder> StartAsync(ILedgerStore store, ListLoggerProvider? logs) =>
        DecisionRecorder.StartAsync(store, _fixture.Signer, _fixture.Fingerprinter, EntryFormatV2RecorderTests.V2(), random: new SeededRandomSource(7), loggerFactory: logs);

    private bool FilesContain(string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        foreach (string suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
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
