using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Heads;

namespace DecisionLedger.Verification;

/// <summary>
/// The v2 rules of a ledger, checked entry by entry in seq order: the version order around the
/// <c>format</c> event, every v2 decision's <c>prev</c> links, every <c>heads</c> entry's root and key
/// count, and a <c>heads</c> entry as the last entry under every checkpoint signed after the switch.
/// </summary>
/// <remarks>
/// The heads map is kept up to date as entries stream past (one <see cref="HeadsMap.Set"/> per chain a
/// decision extends) and its root is computed once per <c>heads</c> entry, which applies the pending
/// updates in one batched pass: the cost of verify grows with entries plus heads entries, not with
/// entries times keys. Memory grows with the number of chains (subjects plus models), as the
/// sequencer's own map does. Links and heads can only be recomputed from seq 0: when verification
/// starts at a trusted checkpoint (<see cref="VerificationOptions.FromCheckpoint"/>), only the version
/// order from the first v2 entry seen on is checked.
/// </remarks>
internal sealed class FormatV2Check
{
    private bool _fromStart;
    private readonly HeadsMap _heads = new();
    private long _formatSeq = -1;
    private bool _lastWasHeads;

    /// <param name="fromStart">Whether verification starts at seq 0, so chains and heads can be recomputed.</param>
    public FormatV2Check(bool fromStart)
    {
        _fromStart = fromStart;
    }

    /// <summary>Checks the next accepted entry (at its own seq); returns the finding, or null.</summary>
    public TamperFinding? Check(long seq, in EntryFields fields)
    {
        _lastWasHeads = false;
        EntryV2Fields? v2 = fields.V2;
        if (_formatSeq < 0)
        {
            if (v2 is null)
            {
                return null;
            }

            if (v2.Kind == LedgerEvent.FormatKind || !_fromStart)
            {
                // Verifying from a checkpoint after the switch: the first v2 entry stands in for the format event.
                _formatSeq = seq;
                return v2.Kind == LedgerEvent.FormatKind ? null : Apply(seq, v2);
            }

            return new TamperFinding(seq, TamperKind.VersionMismatch, $"The entry at seq {seq} is a v2 entry, but no 'format' event before it switched the ledger to v2: every entry before the format event is v1.");
        }

        if (v2 is null)
        {
            return new TamperFinding(seq, TamperKind.VersionMismatch, $"The entry at seq {seq} is a v{fields.Version} entry, but the ledger switched to v2 at seq {_formatSeq} (its 'format' event): every entry from the switch on is v2.");
        }

        if (v2.Kind == LedgerEvent.FormatKind)
        {
            return new TamperFinding(seq, TamperKind.VersionMismatch, $"The entry at seq {seq} is a second 'format' event; the ledger already switched to v2 at seq {_formatSeq}.");
        }

        return Apply(seq, v2);
    }

    /// <summary>
    /// Called for a decision whose archive file the retention policy deleted: its chain links and its
    /// place in the heads map are gone with its bytes, so from here on chains and heads are checked as
    /// when verifying from a checkpoint (the version order only).
    /// </summary>
    public void ChainsLost()
    {
        _lastWasHeads = false;
        _fromStart = false;
    }

    /// <summary>Called when the accepted entries reach the size of a signed checkpoint: after the switch, its last entry must be a heads entry.</summary>
    public TamperFinding? AtCheckpoint(long treeSize)
    {
        if (_formatSeq < 0 || treeSize <= _formatSeq || _lastWasHeads)
        {
            return null;
        }

        long last = treeSize - 1;
        return new TamperFinding(last, TamperKind.HeadsMissing, $"The checkpoint for tree size {treeSize} was signed after the switch to v2 (seq {_formatSeq}), but its last entry, seq {last}, is not a 'heads' entry: nothing commits to the chain heads this checkpoint covers, so no completeness proof can be given for it.");
    }

    private TamperFinding? Apply(long seq, EntryV2Fields v2)
    {
        if (v2.Kind == LedgerEvent.HeadsKind)
        {
            _lastWasHeads = true;
            return _fromStart ? CheckHeads(seq, v2) : null;
        }

        if (!v2.IsDecision || !_fromStart)
        {
            return null;
        }

        ChainLinks prev = v2.Prev!;
        string modelKey = ChainKeys.Model(v2.ModelName!);
        if (Link(modelKey, seq, prev.Model, "model", $"model '{v2.ModelName}'") is { } modelFinding)
        {
            return modelFinding;
        }

        string? subjectKey = v2.SubjectRef is { } subjectRef ? ChainKeys.Subject(subjectRef) : null;
        if (subjectKey is null)
        {
            if (prev.Subject != ChainLinks.None)
            {
                return new TamperFinding(seq, TamperKind.ChainBroken, $"The v2 decision at seq {seq} has no subject, but its prev.subject is {prev.Subject}; it must be -1.");
            }
        }
        else if (Link(subjectKey, seq, prev.Subject, "subject", $"subject ref '{v2.SubjectRef}'") is { } subjectFinding)
        {
            return subjectFinding;
        }

        return null;
    }

    // Checks one link against the chain's head and moves the head to this entry.
    private TamperFinding? Link(string key, long seq, long link, string member, string chain)
    {
        ChainHead head = _heads.TryGet(key, out ChainHead found) ? found : new ChainHead(ChainLinks.None, 0);
        if (link != head.Last)
        {
            string expected = head.Last == ChainLinks.None ? "-1 (it is the chain's first v2 decision)" : $"{head.Last}, the previous v2 decision of that chain";
            return new TamperFinding(seq, TamperKind.ChainBroken, $"The v2 decision at seq {seq} has prev.{member} {link}, but for {chain} it must be {expected}: the chain was re-pointed or an entry of it dropped.");
        }

        _heads.Set(key, new ChainHead(seq, head.Count + 1));
        return null;
    }

    private TamperFinding? CheckHeads(long seq, EntryV2Fields v2)
    {
        Sha256Hash root = _heads.ComputeRoot();
        if (v2.HeadsRoot != root || v2.HeadsKeys != _heads.Count)
        {
            return new TamperFinding(seq, TamperKind.HeadsMismatch, $"The heads entry at seq {seq} commits to root {v2.HeadsRoot!.Value.ToBase64()} over {v2.HeadsKeys} keys, but the heads map of every v2 decision before it has root {root.ToBase64()} over {_heads.Count} keys: the head was forged or is stale.");
        }

        return null;
    }
}
