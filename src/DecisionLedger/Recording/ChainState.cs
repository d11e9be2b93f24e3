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
    // Model keys are cached so a decision costs no string concatenation for its model; a ledger has few models.
    private const int MaxCachedModelKeys = 4_096;

    private readonly Dictionary<string, string> _modelKeys = new(StringComparer.Ordinal);

    // Model heads moved since the last heads entry, applied to the map only when it is committed to: the map hashes every
    // key it is asked about (SHA-256), and the few model keys would otherwise be hashed with every decision. Subject keys
    // go to the map directly: it hashes a key once for a TryGet followed by a Set of the same key.
    private readonly Dictionary<string, ChainHead> _movedModels = new(StringComparer.Ordinal);
    private readonly HeadsMap _heads;
    private static readonly ChainHead None = new(ChainLinks.None, 0);
    private (string ModelKey, ChainHead Model, string? SubjectKey, ChainHead Subject) _linked;

    private ChainState(bool writesV2, long? formatSeq, HeadsMap heads, bool lastIsHeads)
    {
        WritesV2 = writesV2;
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

    /// <summary>Whether the newest entry of the tree is a <c>heads</c> entry (a checkpoint may be signed over it as it is).</summary>
    public bool LastIsHeads { get; private set; }

    /// <summary>
    /// Reads the state of a store of <paramref name="size"/> entries: the first <c>format</c> event, the chain heads of
    /// every v2 decision from it on, and whether the newest entry is a heads entry.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="entryFormat"/> is 1 and the ledger already switched to v2.</exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async Task<ChainState> LoadAsync(ILedgerStore store, long size, int entryFormat, CancellationToken cancellationToken)
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
            return new ChainState(entryFormat == 2, null, new HeadsMap(), lastIsHeads: false);
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
    public static ChainState Switched(long formatSeq, bool lastIsHeads = false) => new(writesV2: true, formatSeq, new HeadsMap(), lastIsHeads);

    /// <summary>Notes the <c>format</c> event at <paramref name="seq"/> (in the tree, not yet stored).</summary>
    public void Switched(long seq)
    {
        FormatSeq = seq;
        LastIsHeads = false;
    }

    /// <summary>Notes a v2 entry appended to the tree: a decision moves the heads of the chains <see cref="Link"/> read for it.</summary>
    public void Appended(StoredEntry entry)
    {
        if (entry.Columns.Kind == EntryColumns.DecisionKind)
        {
            Advance(entry.Seq);
        }

        LastIsHeads = false;
    }

    /// <summary>Commits to the chain heads now: the root and key count a <c>heads</c> entry carries. Notes that one was appended.</summary>
    public (Hashing.Sha256Hash Root, int Keys) CommitHeads()
    {
        foreach ((string key, ChainHead head) in _movedModels)
        {
            _heads.Set(key, head);
        }

        _movedModels.Clear();
        LastIsHeads = true;
        return (_heads.ComputeRoot(), _heads.Count);
    }

    /// <summary>The prev links of the next decision of <paramref name="modelName"/> about <paramref name="subjectRef"/> (or none).</summary>
    public ChainLinks Link(string modelName, string? subjectRef)
    {
        if (!_modelKeys.TryGetValue(modelName, out string? modelKey))
        {
            if (_modelKeys.Count >= MaxCachedModelKeys)
            {
                _modelKeys.Clear();
            }

            modelKey = ChainKeys.Model(modelName);
            _modelKeys[modelName] = modelKey;
        }

        ChainHead model = _movedModels.TryGetValue(modelKey, out ChainHead moved) || _heads.TryGet(modelKey, out moved) ? moved : None;

        // The subject's key is read last, so the Set that follows in Appended reuses its hash.
        string? subjectKey = subjectRef is null ? null : ChainKeys.Subject(subjectRef);
        ChainHead subject = subjectKey is not null && _heads.TryGet(subjectKey, out ChainHead found) ? found : None;
        _linked = (modelKey, model, subjectKey, subject);
        return new ChainLinks(model.Last, subject.Last);
    }

    // Moves the heads of the chains the last Link read to the decision built at seq.
    private void Advance(long seq)
    {
        _movedModels[_linked.ModelKey] = new ChainHead(seq, _linked.Model.Count + 1);
        if (_linked.SubjectKey is { } subjectKey)
        {
            _heads.Set(subjectKey, new ChainHead(seq, _linked.Subject.Count + 1));
        }

        LastIsHeads = false;
    }
}
