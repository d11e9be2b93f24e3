using System.Text;
using DecisionLedger.Encryption;
using DecisionLedger.Erasure;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests.Recording;

public sealed class EncryptedInputsTests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private const string Secret = "Plaintext-Marker-Encrypted-9931";
    private static readonly MasterKey s_master = new([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
    private static readonly MasterKey s_otherMaster = new([.. Enumerable.Range(2, 32).Select(i => (byte)i)]);
    private readonly RecorderFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task RecordAsync_EncryptInputs_StoresCiphertextThatVerifiesWithMasterKey()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await RecordAsync(store, SecretDecision("customer-a"), SecretDecision("customer-b"), SecretDecision(subject: null));

        StoredInput stored = (await store.GetInputAsync(0))!;
        Assert.True(InputEncryption.IsEncrypted(stored.Input));
        Assert.Empty(stored.Salt);
        Assert.False(InputEncryption.IsEncrypted((await store.GetInputAsync(2))!.Input), "a decision without a subject is stored unencrypted");
        Assert.Equal(["customer-a", "customer-b"], (await store.GetSubjectKeysAsync(["customer-a", "customer-b"])).Keys.Order(StringComparer.Ordinal));
        SqliteConnection.ClearAllPools();
        Assert.Equal(1, CountInFiles(Secret));

        VerificationReport report = await VerifyAsync(store, s_master);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal(3, report.InputsVerified);
        Assert.Equal(0, report.InputsNotChecked);
    }

    [Fact]
    public async Task VerifyAsync_NoMasterKey_PassesWithEncryptedInputsNotChecked()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await RecordAsync(store, SecretDecision("customer-a"), SecretDecision("customer-a"), SecretDecision(subject: null));

        VerificationReport report = await VerifyAsync(store, masterKey: null);

        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal(1, report.InputsVerified);
        Assert.Equal(2, report.InputsNotChecked);
    }

    [Fact]
    public async Task VerifyAsync_WrongMasterKey_ThrowsNamingTheVariable()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await RecordAsync(store, SecretDecision("customer-a"));

        MasterKeyMismatchException error = await Assert.ThrowsAsync<MasterKeyMismatchException>(async () => await VerifyAsync(store, s_otherMaster));
        Assert.Contains(MasterKey.EnvironmentVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains("customer-a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_CiphertextAltered_ReportsInputAltered()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await RecordAsync(store, SecretDecision("customer-a"), SecretDecision("customer-a"));
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={_fixture.DatabasePath}"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            // Swap the two ciphertexts: each is valid under the subject key, but bound to its own seq.
            command.CommandText = "UPDATE inputs SET input = (SELECT input FROM inputs WHERE seq = 0) WHERE seq = 1;";
            command.ExecuteNonQuery();
        }

        VerificationReport report = await VerifyAsync(store, s_master);

        Assert.False(report.Passed);
        Assert.Equal(1, report.FirstFinding!.Seq);
        Assert.Equal(TamperKind.InputAltered, report.FirstFinding.Kind);
    }

    [Fact]
    public async Task EraseAsync_EncryptedSubject_DeletesKeyAndLaterDecisionGetsFreshKey()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        var options = new LedgerOptions { Origin = Origin, EncryptInputs = true, MasterKey = s_master };
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store, options))
        {
            await recorder.RecordAsync(SecretDecision("customer-a"));
            await recorder.RecordAsync(SecretDecision("customer-b"));
            byte[] before = (await store.GetSubjectKeysAsync(["customer-a"]))["customer-a"];

            ErasureResult result = await SubjectEraser.EraseAsync(store, recorder, "customer-a", "GDPR Art. 17 request", "dpo");

            Assert.Equal(1, result.DecisionsErased);
            Assert.Empty(await store.GetSubjectKeysAsync(["customer-a"]));
            Assert.Single(await store.GetSubjectKeysAsync(["customer-b"]));

            RecordReceipt later = await recorder.RecordAsync(SecretDecision("customer-a"));
            byte[] after = (await store.GetSubjectKeysAsync(["customer-a"]))["customer-a"];
            Assert.NotEqual(before, after);
            Assert.True(InputEncryption.IsEncrypted((await store.GetInputAsync(later.Seq))!.Input));
        }

        VerificationReport report = await VerifyAsync(store, s_master);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal(2, report.InputsVerified);
    }

    [Fact]
    public async Task StartAsync_EncryptWithoutMasterKey_ThrowsNamingOption()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        if (MasterKey.FromEnvironment() is not null)
        {
            return;
        }

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, EncryptInputs = true }));
        Assert.Contains("DLEDGER_MASTER_KEY", error.Message, StringComparison.Ordinal);
    }

    private async Task RecordAsync(SqliteLedgerStore store, params Decision[] decisions)
    {
        var options = new LedgerOptions { Origin = Origin, EncryptInputs = true, MasterKey = s_master };
        await using DecisionRecorder recorder = await _fixture.StartAsync(store, options);
        foreach (Decision decision in decisions)
        {
            await recorder.RecordAsync(decision);
        }
    }

    private Task<VerificationReport> VerifyAsync(ILedgerStore store, MasterKey? masterKey) =>
        new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin, new VerificationOptions { MasterKey = masterKey }).AsTask();

    private static Decision SecretDecision(string? subject)
    {
        string subjectJson = subject is null ? string.Empty : $",\"subject\":{{\"id\":\"{subject}\"}}";
        string json =
            "{\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"}," +
            $"\"input\":{{\"note\":\"{Secret}\",\"amount\":1}}," +
            "\"output\":{\"label\":\"legit\"}" + subjectJson + "}";
        return DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(json));
    }

    private int CountInFiles(string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        int count = 0;
        foreach (string suffix in new[] { string.Empty, "-wal" })
        {
            string path = _fixture.DatabasePath + suffix;
            if (File.Exists(path))
            {
                byte[] bytes = File.ReadAllBytes(path);
                for (int at = bytes.AsSpan().IndexOf(needle); at >= 0; at = bytes.AsSpan(at + 1).IndexOf(needle) is int next and >= 0 ? at + 1 + next : -1)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
