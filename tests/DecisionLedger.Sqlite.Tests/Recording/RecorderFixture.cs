using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>A real SQLite ledger in a temp directory with a seeded key, for recorder tests.</summary>
internal sealed class RecorderFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public RecorderFixture()
    {
        var random = new SeededRandomSource(42);
        Signer = Ed25519NoteSigner.Generate("test.local", random);
        byte[] key = new byte[32];
        random.Fill(key);
        Fingerprinter = new InputFingerprinter(key);
    }

    public Ed25519NoteSigner Signer { get; }

    public InputFingerprinter Fingerprinter { get; }

    public string DatabasePath => _directory.File("ledger.db");

    public SqliteLedgerStore OpenStore() => new(DatabasePath);

    public SqliteLedgerStore OpenStore(string fileName) => new(_directory.File(fileName));

    public ValueTask<DecisionRecorder> StartAsync(ILedgerStore store, LedgerOptions? options = null, TimeProvider? time = null) =>
        DecisionRecorder.StartAsync(store, Signer, Fingerprinter, options ?? new LedgerOptions { Origin = "test.local/ledger" }, time, new SeededRandomSource(7));

    public static Decision Decision(int i, string? requestId = null)
    {
        string id = requestId is null ? string.Empty : $"\"requestId\":\"{requestId}\",";
        string label = i % 7 == 0 ? "fraud" : "legit";
        string json =
            "{" + id + "\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"}," +
            $"\"input\":{{\"amount\":{i},\"country\":\"DE\"}}," +
            $"\"output\":{{\"label\":\"{label}\",\"score\":0.{i % 10}}}," +
            $"\"actor\":{{\"userId\":\"analyst_{i % 3}\",\"tenant\":\"emea\"}}," +
            $"\"subject\":{{\"id\":\"customer-{i % 5}\"}}}}";
        return DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(json));
    }

    public void Dispose() => _directory.Dispose();
}
