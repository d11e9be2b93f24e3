using System.Text;
using DecisionLedger.Entries;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>Nothing sensitive reaches the hash, the database file or a log line before the policy ran.</summary>
public sealed class RedactionBeforeStorageTests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private static readonly string[] s_rawValues =
    [
        "jane.doe@example.com", "4111 1111 1111 1111", "+4915123456789", "078-05-1120",
        "DE89370400440532013000", "203.0.113.77", "2001:db8::8a2e:370:7334",
    ];

    private readonly RecorderFixture _fixture = new();

    [Fact]
    public async Task Record_DefaultPolicy_RawPiiAppearsNowhereInDatabaseFilesOrLogs()
    {
        var logs = new ListLoggerProvider();
        var receipts = new List<RecordReceipt>();
        await using (SqliteLedgerStore store = _fixture.OpenStore())
        {
            await using (DecisionRecorder recorder = await DecisionRecorder.StartAsync(
                store, _fixture.Signer, _fixture.Fingerprinter, new LedgerOptions { Origin = Origin }, random: new SeededRandomSource(3), loggerFactory: logs))
            {
                for (int i = 0; i < 50; i++)
                {
                    receipts.Add(await recorder.RecordAsync(PiiDecision(i)));
                }

                // A duplicate makes the recorder log about this decision too.
                await Assert.ThrowsAsync<DuplicateRequestIdException>(() => recorder.RecordAsync(PiiDecision(0) with { RequestId = receipts[0].RequestId }).AsTask());
            }

            StoredEntry? entry = await store.GetEntryAsync(0);
            LedgerEntry parsed = EntryCanonicalizer.Parse(entry!.CanonicalBytes);
            Assert.Contains(parsed.Redactions, r => r is { Path: "input.contact.email", Rule: "detector:email", Operator: "tag" });
            Assert.Contains(parsed.Redactions, r => r.Path == "metadata.ip");
            StoredInput? input = await store.GetInputAsync(0);
            Assert.Contains("[EMAIL]", Encoding.UTF8.GetString(input!.Input), StringComparison.Ordinal);

            VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin);
            Assert.True(report.Passed, report.FirstFinding?.Detail);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        string directory = Path.GetDirectoryName(_fixture.DatabasePath)!;
        string[] files = Directory.GetFiles(directory, "ledger.db*");
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            byte[] bytes = await File.ReadAllBytesAsync(file);
            foreach (string raw in s_rawValues)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(raw)) < 0, $"{raw} found in {Path.GetFileName(file)}");
            }
        }

        Assert.NotEmpty(logs.Entries);
        foreach (string line in logs.Entries.Select(e => e.ToString()))
        {
            foreach (string raw in s_rawValues)
            {
                Assert.DoesNotContain(raw, line, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Record_Fingerprint_IsOfTheOriginalInputAndIgnoresKeyOrder()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store))
        {
            await recorder.RecordAsync(PiiDecision(1));
        }

        // The same original input, members in another order, fingerprinted by the caller.
        Decision reordered = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(
            """{"model":{"name":"m","version":"1"},"output":{},"input":{"note":"call +4915123456789 re 078-05-1120","contact":{"phone":"+4915123456789","email":"jane.doe@example.com"},"amount":1,"card":"4111 1111 1111 1111","iban":"DE89370400440532013000"}}"""));
        string fingerprint = _fixture.Fingerprinter.Fingerprint(reordered.Input).ToHex();

        var found = new List<StoredEntry>();
        await foreach (StoredEntry entry in store.QueryAsync(new EntryFilter { InputFingerprint = fingerprint }))
        {
            found.Add(entry);
        }

        Assert.Single(found);
    }

    [Fact]
    public async Task Record_RegexTimesOutForOneDecision_FailsOnlyThatDecisionNamingTheRule()
    {
        var policy = DecisionLedger.Redaction.RedactionPolicyLoader.Parse(
            """{"default":{"detectors":"none","rules":[{"name":"slow-notes","detect":"regex","pattern":"(a+)+$"}]}}""");
        var redactor = new DecisionLedger.Redaction.PolicyRedactor(policy, new byte[32], TimeSpan.FromMilliseconds(10));
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await DecisionRecorder.StartAsync(
            store, _fixture.Signer, _fixture.Fingerprinter, new LedgerOptions { Origin = Origin }, redactor: redactor);

        Decision slow = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(
            "{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{\"note\":\"" + new string('a', 40) + "!\"},\"output\":{}}"));
        Task<RecordReceipt> failing = recorder.RecordAsync(slow).AsTask();
        Task<RecordReceipt> fine = recorder.RecordAsync(RecorderFixture.Decision(1)).AsTask();

        var error = await Assert.ThrowsAsync<DecisionLedger.Redaction.RedactionException>(() => failing);
        RecordReceipt receipt = await fine;

        Assert.Contains("slow-notes", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, receipt.Seq);
        Assert.Equal(1, await store.GetSizeAsync());
    }

    private static Decision PiiDecision(int i) => DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(
        "{\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"}," +
        "\"input\":{\"amount\":" + i + ",\"contact\":{\"email\":\"jane.doe@example.com\",\"phone\":\"+4915123456789\"}," +
        "\"card\":\"4111 1111 1111 1111\",\"iban\":\"DE89370400440532013000\",\"note\":\"call +4915123456789 re 078-05-1120\"}," +
        "\"output\":{\"label\":\"fraud\",\"contact\":\"reach jane.doe@example.com\"}," +
        "\"metadata\":{\"ip\":\"203.0.113.77\",\"ipv6\":\"2001:db8::8a2e:370:7334\"}}"));

    public void Dispose() => _fixture.Dispose();
}
