using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Canonicalization;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Randomness;
using DecisionLedger.Storage;

namespace DecisionLedger.Tests.Verification;

/// <summary>
/// Builds small, reproducible ledgers with the real canonicalizer, Merkle tree and Ed25519 signer,
/// written to an <see cref="InMemoryLedgerStore"/> (DecisionLedger.Testing) the way the recorder writes a store.
/// </summary>
internal static class TestLedger
{
    public const string Origin = "decisionledger.example/test";

    public static Ed25519NoteSigner Signer { get; } = Ed25519NoteSigner.Generate(Origin, new SeededRandomSource(7));

    public static Ed25519NoteSigner OtherSigner { get; } = Ed25519NoteSigner.Generate(Origin, new SeededRandomSource(8));

    public static NoteVerifier Verifier => Signer.Verifier;

    public static DateTimeOffset Epoch { get; } = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static byte[] Input(long seq) => JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes($$"""{"amount": {{seq * 10}}, "merchant": "m-{{seq % 3}}"}"""));

    public static byte[] Salt(long seq)
    {
        byte[] salt = new byte[16];
        new SeededRandomSource((int)seq + 1000).Fill(salt);
        return salt;
    }

    public static Sha256Hash Digest(byte[] salt, byte[] input) => Sha256Hash.Compute([.. salt, .. input]);

    /// <summary>The canonical bytes of a decision entry with the given fields.</summary>
    public static byte[] Entry(long seq, string? requestId = null, Sha256Hash? inputDigest = null, string model = "fraud_detector", double score = 0.5)
    {
        requestId ??= $"req-{seq:D6}";
        inputDigest ??= Digest(Salt(seq), Input(seq));
        string json = $$"""
            {"v":1,"seq":{{seq}},"requestId":"{{requestId}}","timestamp":"2026-11-23T12:00:{{seq % 60:D2}}.000000Z",
             "model":{"name":"{{model}}","version":"3.2.1"},"output":{"score":{{score}}},
             "subject":{"id":"customer-{{seq % 5}}"},"inputDigest":"{{inputDigest.Value.ToHex()}}","redactions":[]}
            """;
        return JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The row a store writes for <paramref name="bytes"/>: its columns copied out of the entry, as the recorder does.</summary>
    public static StoredEntry Stored(long seq, byte[] bytes, string model = "fraud_detector")
    {
        _ = model;
        using var document = System.Text.Json.JsonDocument.Parse(bytes);
        System.Text.Json.JsonElement root = document.RootElement;
        var columns = new EntryColumns(
            root.GetProperty("requestId").GetString()!,
            DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            root.GetProperty("model").GetProperty("name").GetString()!,
            root.GetProperty("model").GetProperty("version").GetString()!,
            null,
            null,
            root.GetProperty("subject").GetProperty("id").GetString(),
            null);
        return new(seq, bytes, MerkleHasher.HashLeaf(bytes), columns);
    }

    /// <summary>Creates a store with <paramref name="count"/> entries, a checkpoint at every multiple of <paramref name="checkpointEvery"/> and at the end.</summary>
    public static InMemoryLedgerStore Create(int count, int checkpointEvery = 0, Func<long, string>? modelOf = null)
    {
        var store = new InMemoryLedgerStore();
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        for (long seq = 0; seq < count; seq++)
        {
            string model = modelOf?.Invoke(seq) ?? "fraud_detector";
            byte[] bytes = Entry(seq, model: model);
            StoredEntry entry = Stored(seq, bytes, model);
            tree.Append(entry.LeafHash);
            bool checkpoint = (checkpointEvery > 0 && (seq + 1) % checkpointEvery == 0) || seq == count - 1;
            StoredCheckpoint? stored = checkpoint ? Sign(tree.Size, tree.Root) : null;
            store.AppendAsync(new AppendBatch([entry], [new StoredInput(seq, Salt(seq), Input(seq))], tree.TakeCompletedTiles(), stored)).AsTask().GetAwaiter().GetResult();
        }

        return store;
    }

    public static StoredCheckpoint Sign(long size, Sha256Hash root, Ed25519NoteSigner? signer = null, string origin = Origin) =>
        new(size, root, CheckpointNote.Sign(new Checkpoint(origin, size, root), signer ?? Signer), Epoch);

    public static Sha256Hash Root(IEnumerable<byte[]> entries) =>
        MerkleProofVerifier.RootFromLeaves(entries.Select(e => MerkleHasher.HashLeaf(e)).ToList());

    /// <summary>Replaces one byte string in an entry with another of any length.</summary>
    public static byte[] Replace(byte[] bytes, string from, string to)
    {
        string text = Encoding.UTF8.GetString(bytes);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }

    public static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);
}
