using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DecisionLedger.Bundles;
using DecisionLedger.Checkpoints;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Docs;

/// <summary>
/// Keeps the worked example in docs/format.md honest: every value the doc prints is produced
/// here by the real recorder, tree, prover, signer and bundle writer, and must appear in the
/// doc verbatim. Change the code and this fails until the doc is regenerated.
/// </summary>
public sealed class FormatDocExampleTests : IDisposable
{
    private const string Origin = "decisionledger.example/fraud";

    // Three decisions in the wire format. The middle one (seq 1) is the documented example: every
    // optional field, members out of order, a local-offset timestamp, 120.50 and non-ASCII text,
    // so the canonical form visibly sorts, normalizes and keeps raw UTF-8.
    private static readonly string[] s_decisions =
    [
        """{"requestId":"0193a5c2-7d4e-7b1a-9c3f-2e8d4b6a1f00","timestamp":"2026-11-23T12:00:00.5Z","model":{"name":"fraud_detector","version":"3.2.1"},"input":{"amount":12.5,"country":"DE"},"output":{"label":"legit","score":0.04}}""",
        """
        {
          "requestId": "0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a11",
          "timestamp": "2026-11-23T13:00:01.25+01:00",
          "model": { "name": "fraud_detector", "version": "3.2.1", "pipelineVersion": "prep-7",
                     "artifactDigest": "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                     "parameters": { "threshold": 0.85 } },
          "input": { "merchant": "Bücherei Müller", "amount": 120.50, "country": "DE", "items": [ { "sku": "B-17", "qty": 2 } ] },
          "output": { "score": 0.93, "label": "fraud" },
          "explanation": { "method": "feature-contribution", "baseValue": 0.1,
                           "attributions": { "merchant": -0.05, "amount": 0.42 } },
          "actor": { "userId": "analyst_jane", "tenant": "emea" },
          "subject": { "id": "customer-1842" },
          "latencyMs": 23.5,
          "metadata": { "endpoint": "/predict", "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }
        }
        """,
        """{"requestId":"0193a5c2-7d50-7d3c-9e51-4a0f6d8c3b22","timestamp":"2026-11-23T12:00:02Z","model":{"name":"fraud_detector","version":"3.2.1"},"input":{"amount":980,"country":"FR"},"output":{"label":"review","score":0.61}}""",
    ];

    private static readonly DateTimeOffset s_exportedAt = new(2026, 11, 23, 12, 5, 0, TimeSpan.Zero);

    private readonly string _bundle = Path.Combine(Path.GetTempPath(), "dl-format-doc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_bundle))
        {
            Directory.Delete(_bundle, recursive: true);
        }
    }

    [Fact]
    public async Task WorkedExample_GeneratedByRealCode_AppearsVerbatimInFormatDoc()
    {
        Example example = await BuildAsync();
        StoredEntry entry = example.Store.Data.Entries[1];
        StoredInput input = example.Store.Data.Inputs[1];
        using var prover = new LedgerProver(example.Store);
        InclusionProof inclusion = await prover.ProveInclusionAsync(1, 3);
        ConsistencyProof consistency = await prover.ProveConsistencyAsync(1, 3);
        Sha256Hash root1 = await prover.GetRootAsync(1);
        Sha256Hash root3 = await prover.GetRootAsync(3);
        string note = example.Store.Data.Checkpoints[^1].SignedNote;
        await new EvidenceBundleWriter(new FakeTimeProvider(s_exportedAt)).WriteAsync(
            example.Store, _bundle, example.Signer.VerifierKey, Origin, new EntryFilter { RequestId = "0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a11" }, "0.1.0", null, CancellationToken.None);

        // The example must be a valid ledger before its values are worth documenting.
        Assert.True(inclusion.Verify(root3));
        Assert.True(consistency.Verify(root1, root3));
        Assert.Equal(EntryCanonicalizer.Parse(entry.CanonicalBytes).InputDigest, InputCommitment.ComputeDigest(input.Salt, input.Input));
        Assert.Equal(new Checkpoint(Origin, 3, root3), CheckpointNote.Open(note, NoteVerifier.Parse(example.Signer.VerifierKey), Origin));
        VerificationReport report = await new EvidenceBundleVerifier().VerifyAsync(_bundle, example.Signer.VerifierKey);
        Assert.True(report.Passed, report.FirstFinding?.Detail);

        var fingerprinter = new InputFingerprinter(FingerprintKey());
        string doc = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "format.md"));
        var values = new (string Name, string Value)[]
        {
            ("canonical input of seq 1", Encoding.UTF8.GetString(input.Input)),
            ("salt of seq 1 (hex)", Convert.ToHexStringLower(input.Salt)),
            ("salt of seq 1 (base64)", Convert.ToBase64String(input.Salt)),
            ("inputDigest of seq 1", Sha256Hash.Compute([.. input.Salt, .. input.Input]).ToHex()),
            ("input fingerprint of seq 1", fingerprinter.Fingerprint(input.Input).ToHex()),
            ("canonical bytes of seq 1", Encoding.UTF8.GetString(entry.CanonicalBytes)),
            ("leaf hash of seq 1 (hex)", entry.LeafHash.ToHex()),
            ("receipt of seq 1", $$"""{"seq":1,"requestId":"0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a11","leafHash":"{{entry.LeafHash.ToBase64()}}"}"""),
            ("leaf hash of seq 0 (hex)", example.Store.Data.Entries[0].LeafHash.ToHex()),
            ("leaf hash of seq 2 (hex)", example.Store.Data.Entries[2].LeafHash.ToHex()),
            ("root of size 1 (hex)", root1.ToHex()),
            ("root of size 3 (hex)", root3.ToHex()),
            ("root of size 3 (base64)", root3.ToBase64()),
            ("verifier key", example.Signer.VerifierKey),
            ("key ID", example.Signer.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)),
            ("checkpoint body", new Checkpoint(Origin, 3, root3).ToBody()),
            ("signed checkpoint note", note),
            ("inclusion proof of seq 1 in size 3", CliJson(json => WriteInclusion(json, inclusion))),
            ("consistency proof 1 → 3", CliJson(json => WriteConsistency(json, consistency))),
            ("bundle entries.jsonl", await File.ReadAllTextAsync(Path.Combine(_bundle, "entries.jsonl"))),
            ("bundle inputs.jsonl", await File.ReadAllTextAsync(Path.Combine(_bundle, "inputs.jsonl"))),
            ("bundle proofs.jsonl", await File.ReadAllTextAsync(Path.Combine(_bundle, "proofs.jsonl"))),
            ("bundle manifest.json", await File.ReadAllTextAsync(Path.Combine(_bundle, "manifest.json"))),
            ("bundle key.vkey", await File.ReadAllTextAsync(Path.Combine(_bundle, "key.vkey"))),
        };

        string[] missing = [.. values.Where(v => !doc.Contains(v.Value, StringComparison.Ordinal)).Select(v => $"{v.Name}:\n{v.Value}")];
        Assert.True(missing.Length == 0, "docs/format.md no longer shows what the code produces; paste these values into its worked example:\n\n" + string.Join("\n\n", missing));
    }

    [Fact]
    public async Task EvidenceBundle_InputErased_StillVerifies()
    {
        Example example = await BuildAsync();
        await example.Store.DeleteInputsAsync([1]);

        await new EvidenceBundleWriter(new FakeTimeProvider(s_exportedAt)).WriteAsync(
            example.Store, _bundle, example.Signer.VerifierKey, Origin, null, "0.1.0", null, CancellationToken.None);
        VerificationReport report = await new EvidenceBundleVerifier().VerifyAsync(_bundle, example.Signer.VerifierKey);

        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal((3L, 2L), (report.EntriesVerified, report.InputsVerified));
        Assert.DoesNotContain("\"seq\":1,", await File.ReadAllTextAsync(Path.Combine(_bundle, "inputs.jsonl")), StringComparison.Ordinal);
    }

    // The ledger of the worked example: the three decisions recorded through the recorder's
    // EntryBuilder, a checkpoint at size 1 and at size 3, tiles stored as the recorder stores them.
    private static async Task<Example> BuildAsync()
    {
        Ed25519NoteSigner signer = Ed25519NoteSigner.Generate(Origin, new SeededRandomSource(2026));
        var builder = new EntryBuilder(new InputFingerprinter(FingerprintKey()), new CountingSalts(), DecisionLedger.Redaction.NoRedaction.Instance);
        var store = new InMemoryLedgerStore();
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        for (int seq = 0; seq < s_decisions.Length; seq++)
        {
            Decision decision = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(s_decisions[seq]));
            (StoredEntry entry, StoredInput input) = builder.Build(seq, decision, decision.RequestId!, EntryBuilder.ToMicroseconds(decision.Timestamp!.Value));
            tree.Append(entry.LeafHash);
            StoredCheckpoint? checkpoint = tree.Size is 1 or 3
                ? new StoredCheckpoint(tree.Size, tree.Root, CheckpointNote.Sign(new Checkpoint(Origin, tree.Size, tree.Root), signer), s_exportedAt)
                : null;
            await store.AppendAsync(new AppendBatch([entry], [input], tree.TakeCompletedTiles(), checkpoint));
        }

        return new Example(store, signer);
    }

    // A fixed, documented fingerprint key: bytes 0x00 to 0x1f.
    private static byte[] FingerprintKey() => [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    // Exactly the compact JSON `dledger proof` prints (ProofCommand, JsonOutput: relaxed escaping, no indentation).
    private static string CliJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteInclusion(Utf8JsonWriter json, InclusionProof proof)
    {
        json.WriteStartObject();
        json.WriteNumber("leafIndex", proof.LeafIndex);
        json.WriteNumber("treeSize", proof.TreeSize);
        json.WriteString("leafHash", proof.LeafHash.ToBase64());
        WriteHashes(json, proof.Hashes);
        json.WriteEndObject();
    }

    private static void WriteConsistency(Utf8JsonWriter json, ConsistencyProof proof)
    {
        json.WriteStartObject();
        json.WriteNumber("from", proof.FromSize);
        json.WriteNumber("to", proof.ToSize);
        WriteHashes(json, proof.Hashes);
        json.WriteEndObject();
    }

    private static void WriteHashes(Utf8JsonWriter json, IReadOnlyList<Sha256Hash> hashes)
    {
        json.WriteStartArray("hashes");
        foreach (Sha256Hash hash in hashes)
        {
            json.WriteStringValue(hash.ToBase64());
        }

        json.WriteEndArray();
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DecisionLedger.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No DecisionLedger.slnx above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }

    private sealed record Example(InMemoryLedgerStore Store, Ed25519NoteSigner Signer);

    // Salts 00…0f, 10…1f, 20…2f for seq 0, 1, 2: fixed so the doc can print them, distinct so
    // no two entries share one.
    private sealed class CountingSalts : IRandomSource
    {
        private int _calls;

        public void Fill(Span<byte> destination)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = (byte)((_calls * destination.Length) + i);
            }

            _calls++;
        }
    }
}
