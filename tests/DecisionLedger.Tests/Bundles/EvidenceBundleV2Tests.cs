using System.Text;
using DecisionLedger.Bundles;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using DecisionLedger.Tests.Verification;
using DecisionLedger.Verification;

namespace DecisionLedger.Tests.Bundles;

// Offline verification of a full bundle of a ledger that switched to v2: the chain and heads rules
// run over entries.jsonl as over a store. The bundle is laid out by hand (docs/format.md, section 7).
public sealed class EvidenceBundleV2Tests : IDisposable
{
    private static readonly string s_alice = V2TestLedger.RefOf(1);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dl-bundle-v2-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static V2TestLedger Mixed()
    {
        var ledger = new V2TestLedger();
        ledger.V1();
        ledger.Checkpoint();
        ledger.Format();
        ledger.V2(subjectRef: s_alice);
        ledger.V2(model: "churn", subjectRef: s_alice);
        ledger.HeadsAndCheckpoint();
        ledger.V2();
        return ledger;
    }

    private async Task<VerificationReport> ExportAndVerifyAsync(InMemoryLedgerStore store)
    {
        Directory.CreateDirectory(_directory);
        StoredCheckpoint checkpoint = store.Data.Checkpoints[^1];
        List<StoredEntry> entries = store.Data.Entries.Take((int)checkpoint.TreeSize).ToList();
        File.WriteAllText(Path.Combine(_directory, BundleFiles.Checkpoint), checkpoint.SignedNote);
        File.WriteAllText(Path.Combine(_directory, BundleFiles.Key), TestLedger.Signer.VerifierKey + "\n");
        File.WriteAllBytes(Path.Combine(_directory, BundleFiles.Entries), entries.SelectMany(e => e.CanonicalBytes.Append((byte)'\n')).ToArray());
        var inputs = new StringBuilder();
        int inputCount = 0;
        foreach (StoredInput input in store.Data.Inputs.Values.Where(i => i.Seq < checkpoint.TreeSize).OrderBy(i => i.Seq))
        {
            inputs.Append($$"""{"seq":{{input.Seq}},"salt":"{{Convert.ToBase64String(input.Salt)}}","input":{{Encoding.UTF8.GetString(input.Input)}}}""").Append('\n');
            inputCount++;
        }

        File.WriteAllText(Path.Combine(_directory, BundleFiles.Inputs), inputs.ToString());
        File.WriteAllText(Path.Combine(_directory, BundleFiles.Manifest), $$"""
            {"origin":"{{TestLedger.Origin}}","treeSize":{{checkpoint.TreeSize}},"rootHash":"{{checkpoint.RootHash.ToBase64()}}","filters":{},
             "createdAt":"2026-11-23T12:00:00.000000Z","toolVersion":"test","entryCount":{{entries.Count}},"full":true,"inputCount":{{inputCount}},"inputsWithheld":0}
            """);
        return await new EvidenceBundleVerifier().VerifyAsync(_directory, TestLedger.Signer.VerifierKey, CancellationToken.None);
    }

    [Fact]
    public async Task VerifyAsync_FullBundleOfMixedV1V2Ledger_Passes()
    {
        V2TestLedger ledger = Mixed();
        ledger.HeadsAndCheckpoint();

        VerificationReport report = await ExportAndVerifyAsync(ledger.Build());

        Assert.True(report.Passed, report.FirstFinding?.ToString());
        Assert.Equal(7L, report.TreeSize);
    }

    [Fact]
    public async Task VerifyAsync_FullBundleWithForgedHeads_ReportsHeadsMismatch()
    {
        V2TestLedger ledger = Mixed();
        long bad = ledger.Heads(root: Sha256Hash.Compute("forged"u8));
        ledger.Checkpoint();

        VerificationReport report = await ExportAndVerifyAsync(ledger.Build());

        Assert.Equal(new { Seq = bad, Kind = TamperKind.HeadsMismatch }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }

    [Fact]
    public async Task VerifyAsync_FullBundleWithBrokenChain_ReportsChainBroken()
    {
        V2TestLedger ledger = Mixed();
        long bad = ledger.V2(subjectRef: s_alice, prev: new DecisionLedger.Entries.ChainLinks(2, 3));
        ledger.HeadsAndCheckpoint();

        VerificationReport report = await ExportAndVerifyAsync(ledger.Build());

        Assert.Equal(new { Seq = bad, Kind = TamperKind.ChainBroken }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }
}
