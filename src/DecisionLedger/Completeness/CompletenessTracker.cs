using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Heads;
using DecisionLedger.Verification;

namespace DecisionLedger.Completeness;

/// <summary>
/// Checks a <see cref="CompletenessProof"/> against the entries of a bundle as the bundle verifier
/// accepts them (each already proven to be in the checkpoint's tree): remembers the two heads entries
/// and the back-link of every v2 decision of the proof's chain, then walks the links from the upper
/// head to the lower one (docs/format.md, section 10).
/// </summary>
internal sealed class CompletenessTracker
{
    private readonly CompletenessProof _proof;
    private readonly string? _subjectRef;
    private readonly string? _modelName;
    private readonly Dictionary<long, long> _links = [];
    private readonly HashSet<long> _chain;
    private EventEntry? _upper;
    private EventEntry? _lower;

    public CompletenessTracker(CompletenessProof proof)
    {
        _proof = proof;
        _chain = [.. proof.Chain];
        if (proof.Key.StartsWith(ChainKeys.SubjectPrefix, StringComparison.Ordinal))
        {
            _subjectRef = proof.Key[ChainKeys.SubjectPrefix.Length..];
        }
        else
        {
            _modelName = proof.Key[ChainKeys.ModelPrefix.Length..];
        }
    }

    /// <summary>Seqs the proof needs in the bundle although they may lie outside its filters: the heads entries and the chain's entries.</summary>
    public bool IsProofEntry(long seq) => IsHeadsEntry(seq) || _chain.Contains(seq);

    private bool IsHeadsEntry(long seq) => seq == _proof.Upper.HeadsSeq || seq == _proof.Lower?.HeadsSeq;

    /// <summary>Notes one verified entry line; returns a finding when a heads entry the proof names is not one.</summary>
    public TamperFinding? Observe(long seq, ReadOnlySpan<byte> canonical)
    {
        if (IsHeadsEntry(seq))
        {
            EventEntry? heads = EventCanonicalizer.IsEvent(canonical) ? EventCanonicalizer.Parse(canonical) : null;
            if (heads?.Event.Kind != LedgerEvent.HeadsKind)
            {
                return new TamperFinding(seq, TamperKind.HeadsMissing, $"completeness.json names seq {seq} as a heads entry, but that entry is not a 'heads' event.");
            }

            if (seq == _proof.Upper.HeadsSeq)
            {
                _upper = heads;
            }
            else
            {
                _lower = heads;
            }

            return null;
        }

        if (EventCanonicalizer.IsEvent(canonical))
        {
            return null;
        }

        LedgerEntry entry = EntryCanonicalizer.Parse(canonical);
        if (entry.Prev is not { } prev)
        {
            return null;
        }

        if (_subjectRef is not null && entry.SubjectRef == _subjectRef)
        {
            _links[seq] = prev.Subject;
        }
        else if (_modelName is not null && entry.Model.Name == _modelName)
        {
            _links[seq] = prev.Model;
        }

        return null;
    }

    /// <summary>Checks the proof once every line was observed.</summary>
    /// <param name="treeSize">The size of the bundle's signed checkpoint.</param>
    public (CompletenessResult? Result, TamperFinding? Finding) Finish(long treeSize)
    {
        HeadsBound upper = _proof.Upper;
        if (_proof.TreeSize != treeSize || upper.HeadsSeq != treeSize - 1)
        {
            return Fail(upper.HeadsSeq, TamperKind.HeadsMissing, $"completeness.json proves against the heads entry at seq {upper.HeadsSeq} (tree size {_proof.TreeSize}), but the checkpoint covers {treeSize} entries, so its heads entry is seq {treeSize - 1}: the proof is stale or for another checkpoint.");
        }

        if (_upper is null)
        {
            return Fail(upper.HeadsSeq, TamperKind.HeadsMissing, $"The bundle has no entry line for the heads entry at seq {upper.HeadsSeq} that completeness.json proves against.");
        }

        if (CheckBound(upper, _upper) is { } upperFinding)
        {
            return (null, upperFinding);
        }

        HeadsBound? lower = _proof.Lower;
        if (lower is not null)
        {
            if (lower.HeadsSeq >= upper.HeadsSeq)
            {
                return Fail(lower.HeadsSeq, TamperKind.HeadsMissing, $"completeness.lower names the heads entry at seq {lower.HeadsSeq}, which is not before the upper one at seq {upper.HeadsSeq}.");
            }

            if (_lower is null)
            {
                return Fail(lower.HeadsSeq, TamperKind.HeadsMissing, $"The bundle has no entry line for the lower heads entry at seq {lower.HeadsSeq}.");
            }

            if (CheckBound(lower, _lower) is { } lowerFinding)
            {
                return (null, lowerFinding);
            }

            if (lower.Count > upper.Count || (lower.Count > 0 && lower.Last > upper.Last))
            {
                return Fail(lower.HeadsSeq, TamperKind.HeadsMismatch, $"The chain {_proof.Key} has {lower.Count} entries (last {lower.Last}) at the lower heads entry but {upper.Count} (last {upper.Last}) at the upper one: a chain only grows.");
            }
        }

        return Walk(upper, lower);
    }

    private (CompletenessResult?, TamperFinding?) Walk(HeadsBound upper, HeadsBound? lower)
    {
        long stop = lower?.Last ?? -1;
        var visited = new List<long>();
        long seq = upper.Last;
        while (seq > stop)
        {
            if (seq >= upper.HeadsSeq)
            {
                return Fail(seq, TamperKind.ChainBroken, $"The chain {_proof.Key} links to seq {seq}, at or after the heads entry (seq {upper.HeadsSeq}) that is supposed to cover it.");
            }

            if (!_links.TryGetValue(seq, out long previous))
            {
                return Fail(seq, TamperKind.EntryDeleted, $"The chain {_proof.Key} passes through seq {seq}, but the bundle has no entry of that chain at seq {seq}: an entry was left out.");
            }

            visited.Add(seq);
            if (previous >= seq)
            {
                return Fail(seq, TamperKind.ChainBroken, $"Entry {seq} of the chain {_proof.Key} links forward to seq {previous}; back-links must point to earlier entries.");
            }

            seq = previous;
        }

        if (seq != stop)
        {
            return Fail(seq, TamperKind.ChainBroken, $"The chain {_proof.Key} jumps past the lower bound's last entry (seq {stop}) to seq {seq}.");
        }

        long expected = _proof.ExpectedCount;
        if (visited.Count != expected)
        {
            return Fail(upper.HeadsSeq, TamperKind.ChainBroken, $"Walking the chain {_proof.Key} visits {visited.Count} entries but the heads map counts {expected} between the bounds.");
        }

        foreach (long linked in _links.Keys)
        {
            if (linked > stop && linked < upper.HeadsSeq && !visited.Contains(linked))
            {
                return Fail(linked, TamperKind.ChainBroken, $"Entry {linked} belongs to the chain {_proof.Key} and lies between the bounds, but the chain's links do not pass through it.");
            }
        }

        if (!visited.SequenceEqual(_proof.Chain))
        {
            return Fail(upper.HeadsSeq, TamperKind.ManifestMismatch, $"completeness.chain lists {_proof.Chain.Count} seqs that differ from the {visited.Count} the links visit.");
        }

        var result = new CompletenessResult(_proof.Key, visited.Count, expected, lower?.HeadsSeq, upper.HeadsSeq, _lower?.Timestamp, _upper!.Timestamp);
        return (result, null);
    }

    private TamperFinding? CheckBound(HeadsBound bound, EventEntry heads)
    {
        Sha256Hash root = heads.Event.HeadsRoot!.Value;
        ChainHead? proven;
        try
        {
            proven = MapProofVerifier.Verify(root, _proof.Key, bound.Proof);
        }
        catch (MapProofException e)
        {
            return new TamperFinding(bound.HeadsSeq, TamperKind.HeadsMismatch, $"The map proof for {_proof.Key} does not match the root of the heads entry at seq {bound.HeadsSeq}: {e.Message}");
        }

        return proven == bound.Head
            ? null
            : new TamperFinding(bound.HeadsSeq, TamperKind.HeadsMismatch, $"completeness.json says {_proof.Key} has head {Describe(bound.Head)} at seq {bound.HeadsSeq}, but its map proof proves {Describe(proven)}.");
    }

    private static string Describe(ChainHead? head) => head is { } h ? $"(last {h.Last}, count {h.Count})" : "(absent)";

    private static (CompletenessResult?, TamperFinding?) Fail(long seq, TamperKind kind, string detail) => (null, new TamperFinding(seq, kind, detail));
}
