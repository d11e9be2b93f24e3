using BenchmarkDotNet.Attributes;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// Append throughput (goal ≥ 2M leaves/s) and proof generation on a 10M-leaf tree backed by an
/// <see cref="InMemoryTileStore"/> (goal ≤ 20 µs per proof).
/// </summary>
[MemoryDiagnoser]
public class MerkleBenchmarks
{
    private const int AppendBatch = 1 << 20;
    private const long LargeSize = 10_000_000;

    private Sha256Hash[] _appendLeaves = [];
    private MerkleTree _large = null!;
    private long[] _indexes = [];
    private long[] _fromSizes = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _appendLeaves = new Sha256Hash[AppendBatch];
        for (int i = 0; i < AppendBatch; i++)
        {
            _appendLeaves[i] = MerkleHasher.HashLeaf(BitConverter.GetBytes((long)i));
        }

        // Leaf hashes for the large tree are derived without SHA-256 so setup stays short; the
        // tree cannot tell the difference.
        var store = new InMemoryTileStore();
        _large = MerkleTree.CreateEmpty(store);
        Span<byte> bytes = stackalloc byte[Sha256Hash.Size];
        for (long i = 0; i < LargeSize; i++)
        {
            BitConverter.TryWriteBytes(bytes, i);
            BitConverter.TryWriteBytes(bytes[8..], ~i);
            _large.Append(Sha256Hash.FromBytes(bytes));
            if ((i & 0xFFFF) == 0)
            {
                _large.FlushCompletedTilesAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        _large.FlushCompletedTilesAsync().AsTask().GetAwaiter().GetResult();

        // Random positions, so proofs touch many different tiles rather than one cached tile.
        var random = new Random(42);
        _indexes = new long[1024];
        _fromSizes = new long[1024];
        for (int i = 0; i < _indexes.Length; i++)
        {
            _indexes[i] = random.NextInt64(LargeSize);
            _fromSizes[i] = random.NextInt64(1, LargeSize);
        }
    }

    /// <summary>Appends 2^20 leaves into a fresh tree and flushes its tiles; divide by OperationsPerInvoke for per-leaf cost.</summary>
    [Benchmark(OperationsPerInvoke = AppendBatch)]
    public Sha256Hash Append()
    {
        var tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        Sha256Hash[] leaves = _appendLeaves;
        for (int i = 0; i < leaves.Length; i++)
        {
            tree.Append(leaves[i]);
        }

        tree.FlushCompletedTilesAsync().AsTask().GetAwaiter().GetResult();
        return tree.Root;
    }

    /// <summary>An inclusion proof for a random leaf of the 10M tree (tree size not a power of two).</summary>
    [Benchmark]
    public InclusionProof InclusionProof10M()
    {
        long index = _indexes[_next++ & 1023];
        return Sync(_large.ProveInclusionAsync(index, LargeSize));
    }

    /// <summary>A consistency proof from a random older size to the 10M tree.</summary>
    [Benchmark]
    public ConsistencyProof ConsistencyProof10M()
    {
        long from = _fromSizes[_next++ & 1023];
        return Sync(_large.ProveConsistencyAsync(from, LargeSize));
    }

    // The in-memory store answers synchronously; avoid AsTask's allocation so the memory column
    // shows the proof's own cost.
    private static T Sync<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
}
