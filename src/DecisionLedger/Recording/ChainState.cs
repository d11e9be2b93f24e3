using DecisionLedger.Entries;
using DecisionLedger.Heads;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// The builder's v2 state, kept with its Merkle tree and rebuilt with it from the store (<see cref="LoadAsync"/>):
/// whether and where the ledger switched to v2 (its <c>format</c> event), the head of every chain (a
/// <see cref="HeadsMap"/>: <c>s:&lt;ref&gt;</c> and <c>m:&lt;model&gt;</c> → last seq and count), and whether the newest
/// entry is a <c>heads</c> entry. Like the tree it may run ahead of the store by the batches in flight.
/// </summary>
/// <remarks>Builder thread only. <see cref="Link"/> then <see cref="Appended"/> per decision entry: prev links are read
/// before the entry is written, and the heads move only once it was built.</remarks>
internal sealed class ChainState
{
    // A ledger has few models: each gets its key hashed once and its head kept here, moved per decision and applied to the
    // map only when it is committed to (the map would otherwise rehash every path to the model key with every batch).
    private const int MaxCachedModels = 4_096;

    private readonly Dictionary<string, ModelChain> _models = new(StringComparer.Ordinal);
    private readonly List<ModelChain> _movedModels = [];
    private readonly HeadsMap _heads;
    private static readonly ChainHead None = new(ChainLinks.None, 0);

    // What Link read for the decision being built, so Appended moves the heads without hashing or probing again.
    private ModelChain? _linkedModel;
    private KeyBits _linkedSubjectKey;
    private int _linkedSubjectIndex;
    private ChainHead? _linkedSubject;

    private ChainState(bool writesV2, long? formatSeq, HeadsMap heads, bool lastIsHeads, bool withoutHeadsCommitment = false)
    {
        WritesV2 = writesV2;
        WithoutHeadsCommitment = withoutHeadsCommitment;
        FormatSeq = formatSeq;
        _heads = heads;
        LastIsHeads = lastIsHeads;
    }

    /// <summary>Whether the recorder writes v2 entries (<see cref="LedgerOptions.EntryFormat"/> 2).</summary>
    public bool WritesV2 { get; }

    /// <summary>The seq of the <c>format</c> event, in the store or in the tree; null while the ledger is v1.</summary>
    public long? FormatSeq { get; private set; }

    /// <summary>Whether the next batch must start with the <c>format</c> event.</summary>
    public bool NeedsFormat => WritesV2 && FormatSeq is null;

    /// <summary>Whether entries are v2 from here on (the switch is in the tree): decisions chained, checkpoints over a heads entry.</summary>
    public bool IsV2 => FormatSeq is not null;

    /// <summary>
    /// Benchmarks only (<see cref="LedgerOptions.BenchmarkWithoutHeadsCommitment"/>): v2 entries without the heads
    /// commitment — no map, every prev link -1, no heads entries.
    /// </summary>
    public bool WithoutHeadsCommitment { get; }

    /// <summary>Whether the newest entry of the tree is a <c>heads</c> entry (a checkpoint may be signed over it as it is).</summary>
    public bool LastIsHeads { get; private set; }

    /// <summary>
    /// Reads the state of a store of <paramref name="size"/> entries: the first <c>format</c> event, the chain heads of
    /// every v2 decision from it on, and whether the newest entry is a heads entry.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="entryFormat"/> is 1 and the ledger already switched to v2.</exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async Task<ChainState> LoadAsync(ILedgerStore store, long size, int entryFormat, CancellationToken cancellationToken, bool withoutHeadsCommitment = false)
    {
        long? formatSeq = await store.FindFirstEventAsync(LedgerEvent.FormatKind, cancellationToken).ConfigureAwait(false);
        if (formatSeq is { } switched && entryFormat < 2)
        {
            throw new ArgumentException(
                $"LedgerOptions.EntryFormat: 1, but this ledger switched to entry format 2 at seq {switched} (its format event), and a ledger never goes back to v1 entries; "
                + "open it with EntryFormat = 2 (ledger.json: \"entryFormat\": 2).");
        }

        if (formatSeq is null || formatSeq >= size)
        {
            return new ChainState(entryFormat == 2, null, new HeadsMap(), lastIsHeads: false, withoutHeadsCommitment);
        }

        if (withoutHeadsCommitment)
        {
            return new ChainState(writesV2: true, formatSeq, new HeadsMap(), lastIsHeads: false, withoutHeadsCommitment: true);
        }

        var heads = new List<(string Key, ChainHead Head)>();
        await foreach ((string key, ChainHead head) in store.ReadChainHeadsAsync(formatSeq.Value, size, cancellationToken).ConfigureAwait(false))
        {
            heads.Add((key, head));
        }

        StoredEntry? last = await store.GetEntryAsync(size - 1, cancellationToken).ConfigureAwait(false);
        bool lastIsHeads = last?.Columns.Kind == LedgerEvent.HeadsKind;
        return new ChainState(writesV2: true, formatSeq, HeadsMap.Build(heads), lastIsHeads);
    }

    /// <summary>The state of a ledger that switched at <paramref name="formatSeq"/> and holds no v2 decision yet (benchmarks).</summary>
    public static ChainState Switched(long formatSeq, bool lastIsHeads = false, bool withoutHeadsCommitment = false) =>
        new(writesV2: true, formatSeq, new HeadsMap(), lastIsHeads, withoutHeadsCommitment);

    /// <summary>Notes the <c>format</c> event at <paramref name="seq"/> (in the tree, not yet stored).</summary>
    public void Switched(long seq)
    {
        FormatSeq = seq;
        LastIsHeads = false;
    }

    /// <summary>Notes a v2 entry appended to the tree: a decision moves the heads of the chains <see cref="Link"/> read for it.</summary>
    public void Appended(StoredEntry entry)
    {
        if (entry.Columns.Kind == EntryColumns.DecisionKind && !WithoutHeadsCommitment)
        {
            Advance(entry.Seq);
        }

        LastIsHeads = false;
    }

    /// <summary>Commits to the chain heads now: the root and key count a <c>heads</c> entry carries. Notes that one was appended.</summary>
    public (Hashing.Sha256Hash Root, int Keys) CommitHeads()
    {
        ApplyMovedModels();
        LastIsHeads = true;
        return (_heads.ComputeRoot(), _heads.Count);
    }

    /// <summary>The prev links of the next decision of <paramref name="modelName"/> about <paramref name="subjectRef"/> (or none).</summary>
    public ChainLinks Link(string modelName, string? subjectRef)
    {
        if (WithoutHeadsCommitment)
        {
            return new ChainLinks(ChainLinks.None, ChainLinks.None);
        }

        if (!_models.TryGetValue(modelName, out ModelChain? model))
        {
            if (_models.Count >= MaxCachedModels)
            {
                ApplyMovedModels();
                _models.Clear();
            }

            KeyBits key = HeadsMapHasher.KeyBitsOf(ChainKeys.ModelPrefix, modelName);
            int index = _heads.IndexOf(key);
            model = new ModelChain(key, index, index < 0 ? None : _heads.HeadAt(index));
            _models[modelName] = model;
        }

        ChainHead subject = None;
        _linkedSubject = null;
        if (subjectRef is not null)
        {
            // The key is hashed from its two parts, never built as a string; Appended reuses the hash and the index.
            _linkedSubjectKey = HeadsMapHasher.KeyBitsOf(ChainKeys.SubjectPrefix, subjectRef);
            _linkedSubjectIndex = _heads.IndexOf(_linkedSubjectKey);
            subject = _linkedSubjectIndex < 0 ? None : _heads.HeadAt(_linkedSubjectIndex);
            _linkedSubject = subject;
        }

        _linkedModel = model;
        return new ChainLinks(model.Head.Last, subject.Last);
    }

    // Moves the heads of the chains the last Link read to the decision built at seq.
    private void Advance(long seq)
    {
        ModelChain model = _linkedModel ?? throw new InvalidOperationException("A decision entry was appended without its prev links being read (ChainState.Link).");
        model.Head = new ChainHead(seq, model.Head.Count + 1);
        if (!model.Moved)
        {
            model.Moved = true;
            _movedModels.Add(model);
        }

        if (_linkedSubject is { } subject)
        {
            _heads.SetAt(_linkedSubjectIndex, _linkedSubjectKey, new ChainHead(seq, subject.Count + 1));
        }

        _linkedModel = null;
        _linkedSubject = null;
        LastIsHeads = false;
    }

    private void ApplyMovedModels()
    {
        foreach (ModelChain model in _movedModels)
        {
            model.Index = _heads.SetAt(model.Index, model.Key, model.Head);
            model.Moved = false;
        }

        _movedModels.Clear();
    }

    /// <summary>One model's chain: its key hash, its leaf in the map once it has one, and its head as of the newest entry.</summary>
    private sealed class ModelChain(KeyBits key, int index, ChainHead head)
    {
        public KeyBits Key { get; } = key;

        public int Index { get; set; } = index;

        public ChainHead Head { get; set; } = head;

        public bool Moved { get; set; }
    }
}
