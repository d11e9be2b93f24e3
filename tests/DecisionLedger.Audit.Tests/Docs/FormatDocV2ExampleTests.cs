using System.Buffers.Binary;
using System.Text;
using DecisionLedger.Bundles;
using DecisionLedger.Checkpoints;
using DecisionLedger.Completeness;
using DecisionLedger.Decisions;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Heads;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Docs;

/// <summary>
/// Keeps the entry format 2 worked example in docs/format.md honest: the real recorder (entry format 2)
/// writes the ledger, the real bundle writer exports one subject with its completeness proof, and every
/// value the doc prints must appear in it verbatim. Change the code and this fails until the doc is
/// regenerated (the failure message lists the values to paste).
/// </summary>
// Alone, not beside the other test classes, to keep the rebuilds of BuildAsync rare.
[Collection(nameof(FormatDocV2ExampleTests))]
public sealed class FormatDocV2ExampleTests : IDisposable
{
    private const string Origin = "decisionledger.example/fraud";
    private const string Subject = "customer-1842";

    // Four decisions about two subjects and two models, recorded as seq 1 to 4 after the format event at seq 0:
    // customer-1842 is the subject of seq 1, 2 and 4, customer-7731 of seq 3; fraud_detector decided 1, 3, 4,
    // credit_limit decided 2.
    private static readonly string[] s_decisions =
    [
        """{"requestId":"0193a5c2-8000-7a01-8000-000000000001","timestamp":"2026-11-23T12:00:01Z","model":{"name":"fraud_detector","version":"3.2.1"},"input":{"amount":120.5,"country":"DE"},"output":{"label":"fraud","score":0.93},"subject":{"id":"customer-1842"}}""",
        """{"requestId":"0193a5c2-8000-7a01-8000-000000000002","timestamp":"2026-11-23T12:00:02Z","model":{"name":"credit_limit","version":"1.4.0"},"input":{"income":52000},"output":{"limit":2500},"subject":{"id":"customer-1842"}}""",
        """{"requestId":"0193a5c2-8000-7a01-8000-000000000003","timestamp":"2026-11-23T12:00:03Z","model":{"name":"fraud_detector","version":"3.2.1"},"input":{"amount":980,"country":"FR"},"output":{"label":"review","score":0.61},"subject":{"id":"customer-7731"}}""",
        """{"requestId":"0193a5c2-8000-7a01-8000-000000000004","timestamp":"2026-11-23T12:00:04Z","model":{"name":"fraud_detector","version":"3.2.1"},"input":{"amount":15,"country":"DE"},"output":{"label":"legit","score":0.02},"subject":{"id":"customer-1842"}}""",
    ];

    private static readonly DateTimeOffset s_recordedAt = new(2026, 11, 23, 12, 0, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset s_exportedAt = new(2026, 11, 23, 12, 5, 0, TimeSpan.Zero);

    private readonly string _bundle = Path.Combine(Path.GetTempPath(), "dl-format-doc-v2-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_bundle))
        {
            Directory.Delete(_bundle, recursive: true);
        }
    }

    [Fact]
    public async Task WorkedExampleV2_GeneratedByRealRecorderAndBundleWriter_AppearsVerbatimInFormatDoc()
    {
        (InMemoryLedgerStore store, Ed25519NoteSigner signer) = await BuildAsync();
        await new EvidenceBundleWriter(new FakeTimeProvider(s_exportedAt)).WriteAsync(
            store, _bundle, signer.VerifierKey, Origin, new EntryFilter { SubjectId = Subject }, "0.1.0", null, CancellationToken.None);

        // The example must be a valid ledger and a bundle proven complete before its values are worth documenting.
        Assert.Equal(6, store.Data.Entries.Count);
        Assert.Equal(LedgerEvent.FormatKind, EventCanonicalizer.Parse(store.Data.Entries[0].CanonicalBytes).Event.Kind);
        EventEntry heads = EventCanonicalizer.Parse(store.Data.Entries[5].CanonicalBytes);
        Assert.Equal(LedgerEvent.HeadsKind, heads.Event.Kind);
        StoredCheckpoint checkpoint = store.Data.Checkpoints[^1];
        Assert.Equal(6, checkpoint.TreeSize);
        VerificationReport report = await new EvidenceBundleVerifier().VerifyAsync(_bundle, signer.VerifierKey);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.NotNull(report.Completeness);
        Assert.Equal((3L, 3L), (report.Completeness.Found, report.Completeness.Expected));

        string subjectRef = (await store.GetSubjectRefsAsync([Subject]))[Subject];
        string key = ChainKeys.Subject(subjectRef);
        CompletenessProof proof = CompletenessProofJson.Parse(await File.ReadAllBytesAsync(Path.Combine(_bundle, "completeness.json")));
        Assert.Equal(new ChainHead(4, 3), MapProofVerifier.Verify(heads.Event.HeadsRoot!.Value, key, proof.Upper.Proof));
        Sha256Hash keyHash = KeyHash(key);
        Sha256Hash leafHash = MapLeafHash(keyHash, 4, 3);

        // The doc walks the map proof by hand: keyHash starts with bits 1, 1, so both steps put the sibling on the left.
        Assert.Equal(2, proof.Upper.Proof.Siblings.Count);
        Assert.Equal(0b11, keyHash.ToArray()[0] >> 6);
        Sha256Hash depth1 = MapNodeHash(proof.Upper.Proof.Siblings[1], leafHash);

        // ... and names the siblings: the credit model's leaf (bits 1, 0), and the node over the fraud model (0, 0) and
        // the other subject (0, 1).
        string otherRef = EntryCanonicalizer.Parse(store.Data.Entries[3].CanonicalBytes).SubjectRef!;
        Assert.Equal(MapLeafHash(KeyHash(ChainKeys.Model("credit_limit")), 2, 1), proof.Upper.Proof.Siblings[1]);
        Assert.Equal(MapNodeHash(MapLeafHash(KeyHash(ChainKeys.Model("fraud_detector")), 4, 3), MapLeafHash(KeyHash(ChainKeys.Subject(otherRef)), 3, 1)), proof.Upper.Proof.Siblings[0]);
        Assert.Equal(heads.Event.HeadsRoot!.Value, MapNodeHash(proof.Upper.Proof.Siblings[0], depth1));

        string doc = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "format.md"));
        var values = new (string Name, string Value)[]
        {
            ("format event, seq 0", Canonical(store, 0)),
            ("decision, seq 1", Canonical(store, 1)),
            ("decision, seq 2", Canonical(store, 2)),
            ("decision, seq 3", Canonical(store, 3)),
            ("decision, seq 4", Canonical(store, 4)),
            ("heads entry, seq 5", Canonical(store, 5)),
            ("ref of customer-1842", subjectRef),
            ("heads root (hex)", heads.Event.HeadsRoot!.Value.ToHex()),
            ("keyHash of the subject's key (hex)", keyHash.ToHex()),
            ("keyHash of the subject's key (base64)", keyHash.ToBase64()),
            ("leafHash of the subject's head (hex)", leafHash.ToHex()),
            ("node at depth 1 on the subject's path (hex)", depth1.ToHex()),
            ("sibling at depth 0 (hex)", proof.Upper.Proof.Siblings[0].ToHex()),
            ("sibling at depth 1 (hex)", proof.Upper.Proof.Siblings[1].ToHex()),
            ("verifier key", signer.VerifierKey),
            ("signed checkpoint note", checkpoint.SignedNote),
            ("root of size 6 (base64)", checkpoint.RootHash.ToBase64()),
            ("bundle completeness.json", await File.ReadAllTextAsync(Path.Combine(_bundle, "completeness.json"))),
            ("bundle subject.json", await File.ReadAllTextAsync(Path.Combine(_bundle, "subject.json"))),
            ("bundle manifest.json", await File.ReadAllTextAsync(Path.Combine(_bundle, "manifest.json"))),
            ("bundle entries.jsonl seqs", string.Join(", ", (await File.ReadAllLinesAsync(Path.Combine(_bundle, "entries.jsonl"))).Select(line => EntryFields.TryRead(Encoding.UTF8.GetBytes(line), out EntryFields fields, out _) ? fields.Seq : -1))),
        };

        string[] missing = [.. values.Where(v => !doc.Contains(v.Value, StringComparison.Ordinal)).Select(v => $"{v.Name}:\n{v.Value}")];
        Assert.True(missing.Length == 0, "docs/format.md no longer shows what the code produces; paste these values into its entry format 2 worked example:\n\n" + string.Join("\n\n", missing));
    }

    [Fact]
    public async Task WorkedExampleV2_ChainEntryLeftOut_IsCaughtAsTheDocSays()
    {
        // The doc's walk says: drop seq 2 (with its proof line, input line and the manifest's counts fixed up) and the
        // walk from seq 4 reaches seq 2, which the bundle no longer holds: entry-deleted at seq 2.
        (InMemoryLedgerStore store, Ed25519NoteSigner signer) = await BuildAsync();
        await new EvidenceBundleWriter(new FakeTimeProvider(s_exportedAt)).WriteAsync(
            store, _bundle, signer.VerifierKey, Origin, new EntryFilter { SubjectId = Subject }, "0.1.0", null, CancellationToken.None);
        RemoveLine("entries.jsonl", 1);
        RemoveLine("proofs.jsonl", 1);
        RemoveLine("inputs.jsonl", 1);
        string manifestPath = Path.Combine(_bundle, "manifest.json");
        await File.WriteAllTextAsync(manifestPath, (await File.ReadAllTextAsync(manifestPath))
            .Replace("\"entryCount\": 4", "\"entryCount\": 3", StringComparison.Ordinal)
            .Replace("\"inputCount\": 3", "\"inputCount\": 2", StringComparison.Ordinal));

        VerificationReport report = await new EvidenceBundleVerifier().VerifyAsync(_bundle, signer.VerifierKey);

        Assert.False(report.Passed);
        Assert.Equal((2L, TamperKind.EntryDeleted), (report.FirstFinding!.Seq, report.FirstFinding.Kind));
    }

    [Fact]
    public async Task WorkedExampleV2_VerifierWrittenFromTheDocAlone_AgreesWithTheLibrary()
    {
        // An auditor's completeness check written only from docs/format.md (section 7's completeness.json, section 8's
        // checks F to K, section 10's verifyMapProof), with nothing but JSON and SHA-256: it must accept the exported
        // bundle and reject the one with a chain entry left out exactly as EvidenceBundleVerifier does.
        (InMemoryLedgerStore store, Ed25519NoteSigner signer) = await BuildAsync();
        await new EvidenceBundleWriter(new FakeTimeProvider(s_exportedAt)).WriteAsync(
            store, _bundle, signer.VerifierKey, Origin, new EntryFilter { SubjectId = Subject }, "0.1.0", null, CancellationToken.None);

        Assert.Equal("complete: 3 of 3", DocOnlyCompletenessCheck(_bundle));

        RemoveLine("entries.jsonl", 1);
        Assert.Equal("entry-deleted at 2", DocOnlyCompletenessCheck(_bundle));
    }

    private static async Task<(InMemoryLedgerStore Store, Ed25519NoteSigner Signer)> BuildAsync()
    {
        // The recorder writes the format event in the batch of the first decision, drawing that decision's subject ref
        // before the event's request id; when the builder wakes first and writes the format event in a batch of its own,
        // the two draws from the one seeded source swap and every later value moves. Which happens is the scheduler's
        // choice, not the format's, so the example is the ledger built in the first order: build again (a fresh
        // recorder, the same seed) until the draws come in it, and fail if they never do.
        for (int attempt = 1; ; attempt++)
        {
            var draws = new DrawRecordingSource(new SeededRandomSource(2026));
            (InMemoryLedgerStore store, Ed25519NoteSigner signer) = await BuildOnceAsync(draws);
            if (draws.Lengths.Count > 0 && draws.Lengths[0] == 16)
            {
                return (store, signer);
            }

            Assert.True(attempt < 20, $"the recorder never drew the first subject ref before the format event's request id (draws: {string.Join(", ", draws.Lengths)})");
        }
    }

    // The ledger of the example: a new ledger on entry format 2 (format event at seq 0), the four decisions recorded
    // one at a time through the real recorder, and the final checkpoint written when it closes (a heads entry at seq 5,
    // checkpoint of size 6). The clock is fixed (checkpoints only at close), salts and subject refs come from
    // SeededRandomSource(2026), which the doc names.
    private static async Task<(InMemoryLedgerStore Store, Ed25519NoteSigner Signer)> BuildOnceAsync(IRandomSource random)
    {
        Ed25519NoteSigner signer = Ed25519NoteSigner.Generate(Origin, new SeededRandomSource(2026));
        var store = new InMemoryLedgerStore();
        var options = new LedgerOptions { Origin = Origin, EntryFormat = 2, CommitLinger = TimeSpan.Zero };
        await using (DecisionRecorder recorder = await DecisionRecorder.StartAsync(
            store, signer, new InputFingerprinter(FingerprintKey()), options, new FakeTimeProvider(s_recordedAt), random, redactor: NoRedaction.Instance))
        {
            foreach (string decision in s_decisions)
            {
                await recorder.RecordAsync(DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(decision)));
            }
        }

        return (store, signer);
    }

    // Passes every draw to the seeded source and remembers how many bytes each took, in order.
    private sealed class DrawRecordingSource(IRandomSource inner) : IRandomSource
    {
        private readonly object _gate = new();

        public List<int> Lengths { get; } = [];

        public void Fill(Span<byte> destination)
        {
            lock (_gate)
            {
                Lengths.Add(destination.Length);
                inner.Fill(destination);
            }
        }
    }

    // docs/format.md section 10: leafHash = SHA-256(0x00 ‖ keyHash ‖ uint64be(last) ‖ uint64be(count)), written out
    // here from the doc rather than taken from the library, so the doc's formula is checked too.
    private static Sha256Hash MapLeafHash(Sha256Hash keyHash, long last, long count)
    {
        byte[] bytes = new byte[1 + 32 + 8 + 8];
        keyHash.CopyTo(bytes.AsSpan(1));
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(33), (ulong)last);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(41), (ulong)count);
        return Sha256Hash.Compute(bytes);
    }

    private static Sha256Hash KeyHash(string key) => Sha256Hash.Compute(Encoding.UTF8.GetBytes(key));

    // docs/format.md section 10: nodeHash(L, R) = SHA-256(0x01 ‖ L ‖ R).
    private static Sha256Hash MapNodeHash(Sha256Hash left, Sha256Hash right)
    {
        byte[] bytes = new byte[1 + 32 + 32];
        bytes[0] = 0x01;
        left.CopyTo(bytes.AsSpan(1));
        right.CopyTo(bytes.AsSpan(33));
        return Sha256Hash.Compute(bytes);
    }

    // Checks F to K of docs/format.md section 8 over a bundle's completeness.json and entries.jsonl, as an auditor would
    // write them from the doc (the signature, inclusion proofs and steps A to C are the bundle verifier's and left out).
    private static string DocOnlyCompletenessCheck(string bundle)
    {
        using var proof = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, "completeness.json")));
        System.Text.Json.JsonElement root = proof.RootElement;
        string key = root.GetProperty("key").GetString()!;
        System.Text.Json.JsonElement upper = root.GetProperty("upper");
        long upperSeq = upper.GetProperty("headsSeq").GetInt64();
        (long upperLast, long upperCount) = Head(upper);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("lower").ValueKind); // the example has no window
        long stop = -1;

        // D and E: the heads entry's root, and link[seq] for every v2 decision of the chain.
        string? headsRoot = null;
        var links = new Dictionary<long, long>();
        foreach (string line in File.ReadAllLines(Path.Combine(bundle, "entries.jsonl")))
        {
            using var entry = System.Text.Json.JsonDocument.Parse(line);
            System.Text.Json.JsonElement e = entry.RootElement;
            long seq = e.GetProperty("seq").GetInt64();
            if (seq == upperSeq)
            {
                Assert.Equal("heads", e.GetProperty("kind").GetString());
                headsRoot = e.GetProperty("event").GetProperty("root").GetString();
            }
            else if (e.TryGetProperty("prev", out System.Text.Json.JsonElement prev))
            {
                if (key.StartsWith("s:", StringComparison.Ordinal) && e.TryGetProperty("subject", out System.Text.Json.JsonElement subject) && subject.GetProperty("ref").GetString() == key[2..])
                {
                    links[seq] = prev.GetProperty("subject").GetInt64();
                }
                else if (key.StartsWith("m:", StringComparison.Ordinal) && e.GetProperty("model").GetProperty("name").GetString() == key[2..])
                {
                    links[seq] = prev.GetProperty("model").GetInt64();
                }
            }
        }

        // F: verifyMapProof(root, key, upper.proof) as section 10 writes it, and the proven head equals upper.head.
        if (headsRoot is null)
        {
            return $"heads-missing at {upperSeq}";
        }

        System.Text.Json.JsonElement mapProof = upper.GetProperty("proof");
        byte[] kh = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key));
        byte[][] siblings = [.. mapProof.GetProperty("siblings").EnumerateArray().Select(sibling => Convert.FromBase64String(sibling.GetString()!))];
        System.Text.Json.JsonElement terminal = mapProof.GetProperty("terminal");
        byte[] h = new byte[32];
        bool member = false;
        if (terminal.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            byte[] tkh = Convert.FromBase64String(terminal.GetProperty("keyHash").GetString()!);
            member = tkh.AsSpan().SequenceEqual(kh);
            h = System.Security.Cryptography.SHA256.HashData([0x00, .. tkh, .. BigEndian(terminal.GetProperty("last").GetInt64()), .. BigEndian(terminal.GetProperty("count").GetInt64())]);
        }

        for (int i = siblings.Length - 1; i >= 0; i--)
        {
            int bit = (kh[i / 8] >> (7 - (i % 8))) & 1;
            h = System.Security.Cryptography.SHA256.HashData(bit == 0 ? [0x01, .. h, .. siblings[i]] : [0x01, .. siblings[i], .. h]);
        }

        (long, long) proven = member ? (terminal.GetProperty("last").GetInt64(), terminal.GetProperty("count").GetInt64()) : (-1, 0);
        if (Convert.ToBase64String(h) != headsRoot || proven != (upperLast, upperCount))
        {
            return $"heads-mismatch at {upperSeq}";
        }

        // H: walk the links from upper.last down to stop.
        var visited = new List<long>();
        long s = upperLast;
        while (s > stop)
        {
            if (s >= upperSeq)
            {
                return $"chain-broken at {s}";
            }

            if (!links.TryGetValue(s, out long previous))
            {
                return $"entry-deleted at {s}";
            }

            visited.Add(s);
            if (previous >= s)
            {
                return $"chain-broken at {s}";
            }

            s = previous;
        }

        if (s != stop)
        {
            return $"chain-broken at {s}";
        }

        // I, J, K.
        if (visited.Count != upperCount)
        {
            return $"chain-broken at {upperSeq}";
        }

        if (links.Keys.FirstOrDefault(seq => seq > stop && seq < upperSeq && !visited.Contains(seq), -1) is var skipped and >= 0)
        {
            return $"chain-broken at {skipped}";
        }

        long[] listed = [.. root.GetProperty("chain").EnumerateArray().Select(seq => seq.GetInt64())];
        return listed.SequenceEqual(visited) ? $"complete: {visited.Count} of {upperCount}" : $"manifest-mismatch at {upperSeq}";
    }

    private static (long Last, long Count) Head(System.Text.Json.JsonElement bound) =>
        bound.GetProperty("head") is { ValueKind: System.Text.Json.JsonValueKind.Object } head
            ? (head.GetProperty("last").GetInt64(), head.GetProperty("count").GetInt64())
            : (-1, 0);

    private static byte[] BigEndian(long value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)value);
        return bytes;
    }

    private static string Canonical(InMemoryLedgerStore store, int seq) => Encoding.UTF8.GetString(store.Data.Entries[seq].CanonicalBytes);

    private void RemoveLine(string file, int index)
    {
        string path = Path.Combine(_bundle, file);
        List<string> lines = [.. File.ReadAllLines(path)];
        lines.RemoveAt(index);
        File.WriteAllText(path, string.Concat(lines.Select(line => line + "\n")));
    }

    private static byte[] FingerprintKey() => [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

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
}

/// <summary>Runs <see cref="FormatDocV2ExampleTests"/> with no other test class at the same time.</summary>
[CollectionDefinition(nameof(FormatDocV2ExampleTests), DisableParallelization = true)]
public sealed class FormatDocV2ExampleCollection;
