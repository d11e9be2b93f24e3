using DecisionLedger.Completeness;
using DecisionLedger.Entries;
using DecisionLedger.Heads;
using DecisionLedger.Storage;

namespace DecisionLedger.Bundles;

/// <summary>
/// Which entries a filtered export writes: those matching the filter (a subject filter matches v1
/// rows by the clear id and v2 rows by the subject's ref) plus, on a v2 ledger, the heads entries and
/// chain entries of the completeness proof for the filtered subject (or else model).
/// </summary>
internal sealed class BundleSelection
{
    private readonly EntryFilter? _filter;
    private readonly EntryFilter? _refFilter;
    private readonly long _switchSeq;
    private readonly HashSet<long> _proofEntries;

    private BundleSelection(EntryFilter? filter, EntryFilter? refFilter, long switchSeq, CompletenessProof? proof, SubjectRef? subject, string? unavailable)
    {
        _filter = filter;
        _refFilter = refFilter;
        _switchSeq = switchSeq;
        Proof = proof;
        Subject = subject;
        ProofUnavailable = unavailable;
        _proofEntries = proof is null ? [] : [.. proof.Chain, proof.Upper.HeadsSeq];
        if (proof?.Lower is { } lower)
        {
            _proofEntries.Add(lower.HeadsSeq);
        }
    }

    /// <summary>A full export: every entry, no proof.</summary>
    public static BundleSelection Everything { get; } = new(null, null, long.MaxValue, null, null, null);

    /// <summary>The completeness proof the bundle carries, or null.</summary>
    public CompletenessProof? Proof { get; }

    /// <summary>The exported subject's id and ref (v2), or null.</summary>
    public SubjectRef? Subject { get; }

    /// <summary>Why a filtered export of a v2 ledger carries no completeness proof, or null.</summary>
    public string? ProofUnavailable { get; }

    /// <summary>Resolves the subject's ref and builds the proof, against the checkpoint of size <paramref name="treeSize"/>.</summary>
    public static async ValueTask<BundleSelection> CreateAsync(ILedgerStore store, EntryFilter filter, long treeSize, CancellationToken cancellationToken)
    {
        long? switchSeq = await store.FindFirstEventAsync(LedgerEvent.FormatKind, cancellationToken).ConfigureAwait(false);
        if (switchSeq is not { } firstV2 || firstV2 >= treeSize)
        {
            // Entry format 1 (or switched after this checkpoint): no back-links, nothing to prove completeness with.
            return new BundleSelection(filter, null, long.MaxValue, null, null, null);
        }

        SubjectRef? subject = null;
        EntryFilter? refFilter = null;
        string? key = null;
        string? unavailable = null;
        if (filter.SubjectId is { } id)
        {
            IReadOnlyDictionary<string, string> refs = await store.GetSubjectRefsAsync([id], cancellationToken).ConfigureAwait(false);
            if (refs.TryGetValue(id, out string? subjectRef))
            {
                subject = new SubjectRef(id, subjectRef);
                refFilter = filter with { SubjectId = subjectRef };
                key = ChainKeys.Subject(subjectRef);
            }
            else
            {
                unavailable = $"the ledger holds no ref for subject '{id}' (never seen since the switch to entry format 2, or erased), so there is no chain to prove complete";
            }
        }
        else if (filter.ModelName is { } model)
        {
            key = ChainKeys.Model(model);
        }

        CompletenessProof? proof = null;
        if (key is not null)
        {
            try
            {
                proof = await CompletenessProofBuilder.BuildAsync(store, key, treeSize, filter.From, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                unavailable = e.Message;
            }
        }

        return new BundleSelection(filter, refFilter, firstV2, proof, subject, unavailable);
    }

    /// <summary>Whether the export writes <paramref name="entry"/>.</summary>
    public bool Includes(StoredEntry entry)
    {
        if (_filter is null || _proofEntries.Contains(entry.Seq))
        {
            return true;
        }

        return _refFilter is not null && entry.Seq >= _switchSeq ? _refFilter.Matches(entry) : _filter.Matches(entry);
    }
}
