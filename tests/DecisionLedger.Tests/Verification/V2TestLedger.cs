using System.Buffers;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Decisions;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Heads;
using DecisionLedger.Merkle;
using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Tests.Verification;

/// <summary>
/// Builds mixed v1→v2 ledgers entry by entry with the real writers (<see cref="DecisionEntryWriter"/>,
/// <see cref="EntryBuilder.BuildEvent"/>), the real heads map and the signer of <see cref="TestLedger"/>, and
/// appends them with the stores' ordinary append API, as the sequencer will. Each step can be bent
/// (a wrong link, a forged root, a missing heads entry) to build what a faulty or hostile writer would.
/// </summary>
internal sealed class V2TestLedger
{
    private readonly List<StoredEntry> _batch = [];
    private readonly List<StoredInput> _inputs = [];
    private readonly MerkleTree _tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
    private readonly HeadsMap _heads = new();

    public InMemoryLedgerStore Store { get; } = new();

    /// <summary>The seq the next entry gets.</summary>
    public long Next => _tree.Size;

    /// <summary>A ref for subject number <paramref name="n"/>: 16 bytes, base64url without padding.</summary>
    public static string RefOf(int n)
    {
        byte[] bytes = new byte[16];
        bytes[0] = (byte)n;
        bytes[15] = 0x5a;
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public long V1(string model = "fraud", string? subjectId = "alice")
    {
        long seq = Next;
        return Add(Decision(seq, model, subjectId), seq, subjectColumn: subjectId, subjectRef: null, prev: null);
    }

    /// <summary>Appends a v2 decision with the links the heads map gives, or <paramref name="prev"/> to bend them.</summary>
    public long V2(string model = "fraud", string? subjectRef = null, ChainLinks? prev = null, Func<string, string>? bend = null)
    {
        long seq = Next;
        string modelKey = ChainKeys.Model(model);
        ChainHead modelHead = _heads.TryGet(modelKey, out ChainHead m) ? m : new ChainHead(-1, 0);
        ChainHead subjectHead = new(-1, 0);
        if (subjectRef is not null && _heads.TryGet(ChainKeys.Subject(subjectRef), out ChainHead s))
        {
            subjectHead = s;
        }

        prev ??= new ChainLinks(modelHead.Last, subjectHead.Last);
        _heads.Set(modelKey, new ChainHead(seq, modelHead.Count + 1));
        if (subjectRef is not null)
        {
            _heads.Set(ChainKeys.Subject(subjectRef), new ChainHead(seq, subjectHead.Count + 1));
        }

        return Add(Decision(seq, model, subjectRef is null ? null : "clear-id-never-written"), seq, subjectRef, subjectRef, prev, bend);
    }

    public long Format() => Event(LedgerEvent.ForFormat(2));

    /// <summary>Appends the heads entry: the map's true root and key count, or the ones given.</summary>
    public long Heads(Sha256Hash? root = null, long? keys = null) => Event(LedgerEvent.ForHeads(root ?? _heads.ComputeRoot(), keys ?? _heads.Count));

    public long ErasureV2(string subjectRef, long erased) =>
        Event(LedgerEvent.ForErasure(new ErasureEvent(string.Empty, erased, "GDPR Art. 17 request", "dpo") { SubjectRef = subjectRef }));

    public long Event(LedgerEvent ledgerEvent)
    {
        long seq = Next;
        StoredEntry entry = EntryBuilder.BuildEvent(seq, ledgerEvent, $"evt-{seq:D6}", TestLedger.Epoch.AddSeconds(seq));
        _tree.Append(entry.LeafHash);
        _batch.Add(entry);
        return seq;
    }

    /// <summary>Signs a checkpoint over everything appended so far and writes the batch with it.</summary>
    public V2TestLedger Checkpoint()
    {
        Flush(TestLedger.Sign(_tree.Size, _tree.Root));
        return this;
    }

    /// <summary>A heads entry, then a checkpoint over it: what the sequencer does at every checkpoint after the switch.</summary>
    public V2TestLedger HeadsAndCheckpoint()
    {
        Heads();
        return Checkpoint();
    }

    public InMemoryLedgerStore Build()
    {
        Flush(null);
        return Store;
    }

    private static Decision Decision(long seq, string model, string? subjectId) => new()
    {
        Model = new ModelInfo { Name = model, Version = "1.0" },
        Input = JsonDocument.Parse(TestLedger.Input(seq)).RootElement,
        Output = JsonDocument.Parse("{\"score\":0.5}").RootElement,
        Subject = subjectId is null ? null : new DecisionSubject { Id = subjectId },
    };

    private long Add(Decision decision, long seq, string? subjectColumn, string? subjectRef, ChainLinks? prev, Func<string, string>? bend = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        DateTimeOffset timestamp = TestLedger.Epoch.AddSeconds(seq);
        string requestId = $"req-{seq:D6}";
        Sha256Hash digest = TestLedger.Digest(TestLedger.Salt(seq), TestLedger.Input(seq));
        DecisionEntryWriter.Write(buffer, seq, requestId, timestamp, decision, null, digest, JsonCanonicalizer.Canonicalize("{\"score\":0.5}"u8), default, [], subjectRef, prev);
        byte[] bytes = buffer.WrittenSpan.ToArray();
        if (bend is not null)
        {
            bytes = System.Text.Encoding.UTF8.GetBytes(bend(System.Text.Encoding.UTF8.GetString(bytes)));
        }

        var columns = new EntryColumns(requestId, timestamp, decision.Model.Name, decision.Model.Version, null, null, subjectColumn, null);
        var entry = new StoredEntry(seq, bytes, MerkleHasher.HashLeaf(bytes), columns);
        _tree.Append(entry.LeafHash);
        _batch.Add(entry);
        _inputs.Add(new StoredInput(seq, TestLedger.Salt(seq), TestLedger.Input(seq)));
        return seq;
    }

    private void Flush(StoredCheckpoint? checkpoint)
    {
        if (_batch.Count == 0 && checkpoint is null)
        {
            return;
        }

        Store.AppendAsync(new AppendBatch([.. _batch], [.. _inputs], _tree.TakeCompletedTiles(), checkpoint)).AsTask().GetAwaiter().GetResult();
        _batch.Clear();
        _inputs.Clear();
    }
}
