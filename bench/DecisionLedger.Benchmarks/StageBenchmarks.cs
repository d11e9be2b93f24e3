using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using DecisionLedger.Canonicalization;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;
using DecisionLedger.Tests.Entries;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// The builder's stages one by one on the ~1 KB fraud decision with privacy-by-default redaction, and the
/// whole builder old (<see cref="LegacyEntryBuilder"/>: canonicalize, redact into a copy, canonicalize again,
/// write the entry from a <see cref="LedgerEntry"/>) against new (<see cref="EntryBuilder"/>, one pass),
/// without personal data (the common case) and with three values to redact. Baseline: the old builder.
/// </summary>
[MemoryDiagnoser]
public class StageBenchmarks
{
    // A million distinct subjects, as the cost target; a heads root as often as a checkpoint every 1,000 entries.
    private const int V2DistinctSubjects = 1_000_000;
    private const int V2HeadsEvery = 1_000;

    private const string Template = """
        {"model":{"name":"fraud_detector","version":"3.2.1","pipelineVersion":"prep-7","artifactDigest":"sha256:9f2c4e1a7b3d5f60718293a4b5c6d7e8f9012345678901234567890abcdef12","parameters":{"threshold":0.72,"trees":300}},
         "input":{"transactionId":"tx-00001842","amount":1249.99,"currency":"EUR","merchantCategory":"electronics","merchantId":"m-004211","country":"DE","cardPresent":false,"hourOfDay":23,"txnCount24h":7,"avgAmount30d":212.4,"accountAgeDays":812,"deviceTrustScore":0.1234,"distanceFromHomeKm":1834.5,"contact":"CONTACT","card":"CARD"},
         "output":{"label":"fraud","score":0.913201,"threshold":0.72},
         "explanation":{"method":"feature-contribution","baseValue":0.083,"attributions":{"amount":0.182,"merchantCategory":0.051,"country":-0.012,"cardPresent":0.044,"hourOfDay":0.031,"txnCount24h":0.072,"avgAmount30d":-0.021,"accountAgeDays":-0.034,"deviceTrustScore":0.093,"distanceFromHomeKm":0.121}},
         "actor":{"userId":"svc-payments-3","tenant":"emea"},"subject":{"id":"customer-01842"},"latencyMs":4.812,
         "metadata":{"endpoint":"/predict","ip":"IP","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
        """;

    private static readonly DateTimeOffset s_timestamp = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private Decision _clean = null!;
    private Decision _pii = null!;
    private PolicyRedactor _redactor = null!;
    private IncrementalHash _hmac = null!;
    private LedgerEntry _entry = null!;
    private byte[] _canonicalInput = null!;
    private byte[] _salt = null!;
    private byte[] _entryBytes = null!;
    private EntryBuilder _builder = null!;
    private LegacyEntryBuilder _legacy = null!;
    private long _seq;
    private ChainState _chains = null!;
    private string[] _subjectRefs = null!;
    private int _v2Decisions;

    [GlobalSetup]
    public void Setup()
    {
        _clean = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Template.Replace("CONTACT", "web-checkout", StringComparison.Ordinal).Replace("CARD", "visa-debit", StringComparison.Ordinal).Replace("\"IP\"", "\"edge-eu-3\"", StringComparison.Ordinal)));
        _pii = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Template.Replace("CONTACT", "jane.doe@example.com", StringComparison.Ordinal).Replace("CARD", "4111 1111 1111 1111", StringComparison.Ordinal).Replace("\"IP\"", "\"10.0.12.7\"", StringComparison.Ordinal)));
        byte[] key = new byte[32];
        new SeededRandomSource(1).Fill(key);
        var fingerprinter = new InputFingerprinter(key);
        _redactor = new PolicyRedactor(RedactionPolicy.PrivacyByDefault, key);
        _hmac = fingerprinter.CreateHmac();
        _canonicalInput = JsonCanonicalizer.Canonicalize(_clean.Input);
        _salt = new byte[InputCommitment.SaltSize];
        _entry = new LedgerEntry
        {
            Seq = 1842,
            RequestId = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            Timestamp = s_timestamp,
            Model = _clean.Model,
            Actor = _clean.Actor,
            Subject = _clean.Subject,
            Output = _clean.Output,
            Explanation = _clean.Explanation,
            LatencyMs = _clean.LatencyMs,
            Metadata = _clean.Metadata,
            InputDigest = InputCommitment.ComputeDigest(_salt, _canonicalInput),
        };
        _entryBytes = EntryCanonicalizer.ToCanonicalBytes(_entry);
        _builder = new EntryBuilder(fingerprinter, new SeededRandomSource(2), _redactor);
        _legacy = new LegacyEntryBuilder(fingerprinter, new SeededRandomSource(2), _redactor);
        _chains = ChainState.Switched(0);
        var refRandom = new SeededRandomSource(3);
        _subjectRefs = new string[V2DistinctSubjects];
        for (int i = 0; i < _subjectRefs.Length; i++)
        {
            _subjectRefs[i] = SubjectRefs.NewRef(refRandom);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hmac.Dispose();
        _builder.Dispose();
        _legacy.Dispose();
    }

    [Benchmark(Description = "stage: input JCS + HMAC fingerprint")]
    public int InputCanonicalizeAndFingerprint()
    {
        byte[] canonical = JsonCanonicalizer.Canonicalize(_clean.Input);
        _hmac.AppendData(canonical);
        Span<byte> mac = stackalloc byte[32];
        return _hmac.GetHashAndReset(mac);
    }

    [Benchmark(Description = "stage: redaction (no PII)")]
    public RedactionResult Redact() => _redactor.Redact(_clean);

    [Benchmark(Description = "stage: entry JCS")]
    public byte[] EntryCanonicalize() => EntryCanonicalizer.ToCanonicalBytes(_entry);

    [Benchmark(Description = "stage: input digest + leaf hash")]
    public Sha256Hash Hashes()
    {
        InputCommitment.ComputeDigest(_salt, _canonicalInput);
        return MerkleHasher.HashLeaf(_entryBytes);
    }

    [Benchmark(Baseline = true, Description = "builder, old (no PII)")]
    public Sha256Hash LegacyBuild() => _legacy.Build(_seq++, _clean, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", s_timestamp).Entry.LeafHash;

    [Benchmark(Description = "builder, new (no PII)")]
    public Sha256Hash Build() => _builder.Build(_seq++, _clean, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", s_timestamp).Entry.LeafHash;

    /// <summary>
    /// The v2 builder: each decision about the next of <see cref="V2DistinctSubjects"/> subjects (so the heads map keeps
    /// growing), its prev links read and its chains moved, and a heads root computed every <see cref="V2HeadsEvery"/>
    /// decisions as a checkpoint would.
    /// </summary>
    [Benchmark(Description = "builder, v2 (no PII)")]
    public Sha256Hash BuildV2()
    {
        string subjectRef = _subjectRefs[_v2Decisions % _subjectRefs.Length];
        StoredEntry entry = _builder.Build(_seq++, _clean, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", s_timestamp, v2: new V2Chaining(_chains, subjectRef)).Entry;
        _chains.Appended(entry);
        if (++_v2Decisions % V2HeadsEvery == 0)
        {
            _chains.CommitHeads();
        }

        return entry.LeafHash;
    }

    [Benchmark(Description = "builder, old (3 PII)")]
    public Sha256Hash LegacyBuildPii() => _legacy.Build(_seq++, _pii, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", s_timestamp).Entry.LeafHash;

    [Benchmark(Description = "builder, new (3 PII)")]
    public Sha256Hash BuildPii() => _builder.Build(_seq++, _pii, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", s_timestamp).Entry.LeafHash;
}
