using BenchmarkDotNet.Attributes;
using DecisionLedger.Hashing;
using DecisionLedger.Heads;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// The heads commitment of entry v2 (issue 14): the sequencer's per-checkpoint work on a heads map
/// of 1,000,000 subject keys — per decision one <c>TryGet</c> and one <c>Set</c> of its subject key,
/// one model key per batch, then one <c>ComputeRoot</c> — for batches of 1, 64 and 1,024
/// decisions (90% new subjects), and <c>Build</c> of 1,000,000 keys (the rebuild at start-up).
/// Results are per decision (OperationsPerInvoke = batch size); the budget is ≈ 5 µs.
/// </summary>
[MemoryDiagnoser]
public class HeadsMapBenchmarks
{
    private const int MapKeys = 1_000_000;
    private const int NewKeyPool = 2_000_000;
    private const string ModelKey = "m:fraud_detector";

    private (string Key, ChainHead Head)[] _initial = [];
    private string[] _newKeys = [];
    private HeadsMap _map = null!;
    private Random _random = null!;
    private int _nextNew;
    private long _seq;
    private readonly Sha256Hash _left = Sha256Hash.Compute([1]);
    private readonly Sha256Hash _right = Sha256Hash.Compute([2]);

    [GlobalSetup]
    public void Setup()
    {
        _random = new Random(14);
        _initial = new (string, ChainHead)[MapKeys];
        for (int i = 0; i < MapKeys; i++)
        {
            _initial[i] = (SubjectKey(_random), new ChainHead(i, 1));
        }

        _initial[0] = (ModelKey, new ChainHead(0, 1));
        _newKeys = new string[NewKeyPool];
        for (int i = 0; i < NewKeyPool; i++)
        {
            _newKeys[i] = SubjectKey(_random);
        }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        _map = HeadsMap.Build(_initial);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        _seq = MapKeys;
        Console.WriteLine($"// HeadsMap of {_map.Count:N0} keys: {(after - before) / (double)_map.Count:F1} bytes/key on the managed heap ({_map.AllocatedBytes / (double)_map.Count:F1} bytes/key in its arrays); root {_map.ComputeRoot()}");
    }

    /// <summary>
    /// One interior node hash (SHA-256 of 65 bytes) as the map computes it: the unit the batch
    /// figures are measured in, so they can be read on a loaded machine.
    /// </summary>
    [Benchmark(Baseline = true)]
    public Sha256Hash NodeHash() => HeadsMapHasher.NodeHash(_left, _right);

    /// <summary>The same node hash with the one-shot <see cref="System.Security.Cryptography.SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>.</summary>
    [Benchmark]
    public Sha256Hash NodeHashOneShot()
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * Sha256Hash.Size)];
        buffer[0] = HeadsMapHasher.NodePrefix;
        _left.CopyTo(buffer[1..]);
        _right.CopyTo(buffer[(1 + Sha256Hash.Size)..]);
        Span<byte> digest = stackalloc byte[Sha256Hash.Size];
        System.Security.Cryptography.SHA256.HashData(buffer, digest);
        return Sha256Hash.FromBytes(digest);
    }

    /// <summary>One decision, then the root.</summary>
    [Benchmark(OperationsPerInvoke = 1)]
    public Sha256Hash Batch1() => Batch(1);

    /// <summary>64 decisions, then the root; per decision.</summary>
    [Benchmark(OperationsPerInvoke = 64)]
    public Sha256Hash Batch64() => Batch(64);

    /// <summary>1,024 decisions, then the root; per decision.</summary>
    [Benchmark(OperationsPerInvoke = 1024)]
    public Sha256Hash Batch1024() => Batch(1024);

    /// <summary>Build of 1,000,000 keys (per key).</summary>
    [Benchmark(OperationsPerInvoke = MapKeys)]
    public int Build1M() => HeadsMap.Build(_initial).Count;

    // What the sequencer does per decision: read the chain heads for the prev links, then set
    // the new heads; the model key is the same for the whole batch.
    private Sha256Hash Batch(int decisions)
    {
        for (int i = 0; i < decisions; i++)
        {
            long seq = _seq++;
            string subject = _random.Next(10) == 0 ? _initial[_random.Next(1, MapKeys)].Key : _newKeys[_nextNew++ % NewKeyPool];
            long subjectCount = _map.TryGet(subject, out ChainHead head) ? head.Count : 0;
            _map.Set(subject, new ChainHead(seq, subjectCount + 1));
            long modelCount = _map.TryGet(ModelKey, out ChainHead model) ? model.Count : 0;
            _map.Set(ModelKey, new ChainHead(seq, modelCount + 1));
        }

        return _map.ComputeRoot();
    }

    private static string SubjectKey(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return ChainKeys.Subject(Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
    }
}
