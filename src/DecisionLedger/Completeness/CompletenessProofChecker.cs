using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Completeness;

/// <summary>
/// Checks a <see cref="CompletenessProof"/> against a ledger's own entries (rather than a bundle's):
/// the heads entries and the chain's entries are read from the store and walked exactly as
/// <c>verify --bundle</c> walks them. Used where a report states a proof's result in-process.
/// </summary>
public static class CompletenessProofChecker
{
    /// <summary>Checks <paramref name="proof"/>; returns what it proved, or the first problem.</summary>
    /// <param name="store">The ledger's store.</param>
    /// <param name="proof">The proof, e.g. from <see cref="CompletenessProofBuilder"/>.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public static async ValueTask<(CompletenessResult? Result, TamperFinding? Finding)> CheckAsync(ILedgerStore store, CompletenessProof proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(proof);
        var tracker = new CompletenessTracker(proof);
        var seqs = new SortedSet<long>(proof.Chain) { proof.Upper.HeadsSeq };
        if (proof.Lower is { } lower)
        {
            seqs.Add(lower.HeadsSeq);
        }

        foreach (long seq in seqs)
        {
            StoredEntry? entry = await store.GetEntryAsync(seq, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                return (null, new TamperFinding(seq, TamperKind.EntryDeleted, $"The completeness proof of {proof.Key} needs entry {seq}, which the store does not hold."));
            }

            if (tracker.Observe(seq, entry.CanonicalBytes) is { } finding)
            {
                return (null, finding);
            }
        }

        return tracker.Finish(proof.TreeSize);
    }
}
