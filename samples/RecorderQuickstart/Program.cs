// Records decisions from .NET code into an embedded SQLite ledger, then verifies it.
// Run: dotnet run --project samples/RecorderQuickstart -- ./quickstart-ledger
using System.Text;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Sqlite;
using DecisionLedger.Verification;

string path = args.Length > 0 ? args[0] : "./quickstart-ledger";

// 1. A ledger directory: signing key (0600), fingerprint key, config and the SQLite file.
LedgerDirectory ledger = LedgerDirectory.Exists(path)
    ? LedgerDirectory.Open(path)
    : LedgerDirectory.Create(path, origin: "quickstart.example/fraud");

await using var store = new SqliteLedgerStore(ledger.DatabasePath);
var options = new LedgerOptions { Origin = ledger.Config.Origin };

// 2. The recorder: Record() enqueues and returns at once; RecordAsync() returns once durable.
// Redaction runs before hashing: redaction.json in the ledger directory, else privacy by default.
await using (DecisionRecorder recorder = await DecisionRecorder.StartAsync(
    store, ledger.Signer, ledger.CreateFingerprinter(), options, redactor: ledger.CreateRedactor()))
{
    Decision decision = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes("""
        {"model": {"name": "fraud_detector", "version": "3.2.1"},
         "input": {"amount": 1250.0, "merchant": "electronics"},
         "output": {"label": "fraud", "score": 0.91},
         "explanation": {"method": "feature-contribution", "baseValue": 0.1,
                         "attributions": {"amount": 0.42, "merchant": -0.05}},
         "actor": {"userId": "analyst_jane", "tenant": "emea"},
         "subject": {"id": "customer-1842"}}
        """));

    RecordReceipt receipt = await recorder.RecordAsync(decision);
    Console.WriteLine($"durable: seq {receipt.Seq}, requestId {receipt.RequestId}, leaf {receipt.LeafHash.ToBase64()}");

    for (int i = 0; i < 99; i++)
    {
        recorder.Record(decision with { RequestId = null });
    }
} // DisposeAsync drains the queue and signs a final checkpoint.

// 3. Verify everything: every leaf, every checkpoint signature, every stored input.
VerificationReport report = await new LedgerVerifier().VerifyAsync(store, ledger.Signer.Verifier, ledger.Config.Origin);
Console.WriteLine(report.Passed
    ? $"verified {Count(report.EntriesVerified, "entry", "entries")} against {Count(report.CheckpointsVerified, "checkpoint", "checkpoints")}; root {report.Root?.ToBase64()}"
    : $"TAMPERING: seq {report.FirstFinding!.Seq}: {report.FirstFinding.Kind}: {report.FirstFinding.Detail}");
return report.Passed ? 0 : 1;

static string Count(long n, string one, string many) => $"{n} {(n == 1 ? one : many)}";
