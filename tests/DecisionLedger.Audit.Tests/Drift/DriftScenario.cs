using System.Globalization;
using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using DecisionLedger.Randomness;

namespace DecisionLedger.Tests.Drift;

/// <summary>
/// Synthetic decisions of <c>fraud_detector</c> with a known distribution, generated in process from a fixed seed:
/// an input amount (log-normal), a country, and the score and label a fixed formula derives from them. A stable
/// stream keeps the distribution; a shifted one multiplies amounts by <see cref="ShiftFactor"/> and sends more
/// decisions from ES, so the score, the label and both inputs move.
/// </summary>
internal sealed class DriftScenario
{
    public const string Model = "fraud_detector";

    /// <summary>The origin of the scenarios' checkpoints.</summary>
    public const string DefaultOrigin = "decisionledger.example/drift";

    /// <summary>Shifted amounts are this many times larger.</summary>
    public const double ShiftFactor = 3;

    private static readonly byte[] s_salt = new byte[16];
    private readonly List<Sha256Hash> _leaves = [];
    private readonly Ed25519NoteSigner _signer;
    private readonly List<StoredEntry> _entries = [];
    private readonly List<StoredInput> _inputs = [];
    private readonly Random _random;
    private readonly string _origin;

    public DriftScenario(int seed = 1, Ed25519NoteSigner? signer = null, string origin = DefaultOrigin, ILedgerStore? store = null)
    {
        _origin = origin;
        _random = new Random(seed);
        _signer = signer ?? Signer;
        Store = store ?? new InMemoryLedgerStore();
    }

    /// <summary>Midnight UTC, 2 November 2026: the scenarios' day zero.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The key the scenarios' checkpoints are signed with, from a fixed seed.</summary>
    public static Ed25519NoteSigner Signer { get; } = Ed25519NoteSigner.Generate(DefaultOrigin, new SeededRandomSource(11));

    /// <summary>Its verifier.</summary>
    public static NoteVerifier Verifier => Signer.Verifier;

    public ILedgerStore Store { get; }

    /// <summary>Appends <paramref name="count"/> decisions of <paramref name="version"/>, evenly spaced over [from, from + span); those at or after <paramref name="shiftAt"/> are shifted.</summary>
    public DriftScenario Add(int count, DateTimeOffset from, TimeSpan span, string version = "2.0", DateTimeOffset? shiftAt = null)
    {
        for (int i = 0; i < count; i++)
        {
            DateTimeOffset timestamp = from + TimeSpan.FromTicks(span.Ticks / count * i);
            bool shifted = shiftAt is { } s && timestamp >= s;
            Append(timestamp, version, shifted);
        }

        return this;
    }

    /// <summary>Writes the pending entries and signs a checkpoint over everything so far.</summary>
    public DriftScenario Checkpoint()
    {
        Flush();
        Sha256Hash root = MerkleProofVerifier.RootFromLeaves(_leaves);
        Store.AppendCheckpointAsync(new StoredCheckpoint(_leaves.Count, root, CheckpointNote.Sign(new Checkpoint(_origin, _leaves.Count, root), _signer), Start)).AsTask().GetAwaiter().GetResult();
        return this;
    }

    private void Append(DateTimeOffset timestamp, string version, bool shifted)
    {
        long seq = _leaves.Count + _entries.Count;
        double amount = Math.Round(Math.Exp(4 + Normal()) * (shifted ? ShiftFactor : 1), 2);
        double u = _random.NextDouble();
        string country = shifted
            ? (u < 0.2 ? "DE" : u < 0.35 ? "FR" : u < 0.9 ? "ES" : "IT")
            : (u < 0.4 ? "DE" : u < 0.7 ? "FR" : u < 0.9 ? "ES" : "IT");
        double score = Math.Round(1 / (1 + Math.Exp(-((Math.Log(amount) - 4) * 1.2) + 1 - (country == "ES" ? 0.8 : 0))), 4);
        string label = score >= 0.5 ? "fraud" : "legit";
        string time = timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        string json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"inputDigest":"{{new string('0', 64)}}","model":{"name":"{{Model}}","version":"{{version}}"},"output":{"label":"{{label}}","score":{{score}}},"redactions":[],"requestId":"r-{{seq:D7}}","seq":{{seq}},"timestamp":"{{time}}","v":1}""");
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        _entries.Add(new StoredEntry(seq, bytes, MerkleHasher.HashLeaf(bytes), new EntryColumns($"r-{seq:D7}", timestamp, Model, version, null, null, null, null)));
        _inputs.Add(new StoredInput(seq, s_salt, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"amount":{{amount}},"country":"{{country}}"}"""))));
        if (_entries.Count == 4096)
        {
            Flush();
        }
    }

    private void Flush()
    {
        if (_entries.Count == 0)
        {
            return;
        }

        _leaves.AddRange(_entries.Select(e => e.LeafHash));

        Store.AppendAsync(new AppendBatch([.. _entries], [.. _inputs], [], null) { FieldPaths = new Dictionary<string, HashSet<string>>() }).AsTask().GetAwaiter().GetResult();
        _entries.Clear();
        _inputs.Clear();
    }

    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
