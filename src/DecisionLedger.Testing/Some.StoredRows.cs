using System.Buffers.Binary;
using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Testing;

// The rows a store holds (entries, inputs, tiles, checkpoints), for tests of an ILedgerStore or of code that reads one.
public static partial class Some
{
    /// <summary>The timestamp of entry 0; entry <c>n</c> is <c>n × 100.001 ms</c> later, so microseconds matter.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The default timestamp of entry <paramref name="seq"/>.</summary>
    public static DateTimeOffset TimestampOf(long seq) => Epoch.AddTicks(seq * 1_000_010);

    /// <summary>The default request id of entry <paramref name="seq"/>.</summary>
    public static string RequestIdOf(long seq) => $"req-{seq:D6}";

    /// <summary>A unique lowercase-hex fingerprint for <paramref name="seq"/>.</summary>
    public static string FingerprintOf(long seq) => Hash("fingerprint", seq).ToHex();

    /// <summary>An entry whose canonical bytes are small JSON and whose leaf hash is computed from them.</summary>
    public static StoredEntry Entry(
        long seq,
        string? requestId = null,
        string model = "fraud_detector",
        string version = "3.2.1",
        string? userId = "analyst_jane",
        string? tenant = "emea",
        string? subjectId = null,
        string? fingerprint = null,
        string kind = EntryColumns.DecisionKind,
        DateTimeOffset? timestamp = null)
    {
        requestId ??= RequestIdOf(seq);
        DateTimeOffset ts = timestamp ?? TimestampOf(seq);
        byte[] body = Encoding.UTF8.GetBytes(
            $$"""{"kind":"{{kind}}","model":{"name":"{{model}}","version":"{{version}}"},"output":{"score":0.{{seq % 1000:D3}}},"requestId":"{{requestId}}","seq":{{seq}},"timestamp":"{{ts:O}}","v":1}""");
        var columns = new EntryColumns(requestId, ts, model, version, userId, tenant, subjectId, fingerprint ?? FingerprintOf(seq), kind);
        return new StoredEntry(seq, body, MerkleHasher.HashLeaf(body), columns);
    }

    /// <summary>Entries <paramref name="fromSeq"/> … <paramref name="fromSeq"/> + <paramref name="count"/> − 1 with default columns.</summary>
    public static StoredEntry[] Entries(long fromSeq, int count)
    {
        var entries = new StoredEntry[count];
        for (int i = 0; i < count; i++)
        {
            entries[i] = Entry(fromSeq + i);
        }

        return entries;
    }

    /// <summary>The stored input of entry <paramref name="seq"/>: a 16-byte salt and small JSON.</summary>
    public static StoredInput Input(long seq) =>
        new(seq, Hash("salt", seq).ToArray()[..16], Encoding.UTF8.GetBytes($$"""{"amount":{{seq}},"merchant":"m-{{seq % 13}}"}"""));

    /// <summary>A batch of the given entries, each with its input, no tiles and no checkpoint.</summary>
    public static AppendBatch Batch(IReadOnlyList<StoredEntry> entries, StoredCheckpoint? checkpoint = null, IReadOnlyList<(TileId Id, Tile Tile)>? tiles = null) =>
        new(entries, entries.Select(e => Input(e.Seq)).ToArray(), tiles ?? [], checkpoint);

    /// <summary>A full tile whose 256 base hashes derive from <paramref name="seed"/>.</summary>
    public static Tile Tile(int seed)
    {
        var hashes = new Sha256Hash[Merkle.Tile.Width];
        for (int i = 0; i < hashes.Length; i++)
        {
            hashes[i] = Hash("tile" + seed, i);
        }

        return Merkle.Tile.FromBaseHashes(hashes);
    }

    /// <summary>A checkpoint at <paramref name="treeSize"/> with a made-up root and a signed-note-shaped text.</summary>
    public static StoredCheckpoint Checkpoint(long treeSize, int variant = 0)
    {
        Sha256Hash root = Hash("root" + variant, treeSize);
        string note = $"decisionledger.example/test\n{treeSize}\n{root.ToBase64()}\n\n\u2014 decisionledger.example/test AAAAAA{variant}==\n";
        return new StoredCheckpoint(treeSize, root, note, Epoch.AddSeconds(treeSize).AddTicks(70 + (variant * 10)));
    }

    private static Sha256Hash Hash(string label, long value)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(label) + 8];
        int written = Encoding.UTF8.GetBytes(label, bytes);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(written), value);
        return Sha256Hash.Compute(bytes);
    }
}
