using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Heads;
using DecisionLedger.Storage;

namespace DecisionLedger.Completeness;

/// <summary>
/// Builds the <see cref="CompletenessProof"/> of one chain (a subject's or a model's) against a
/// checkpoint of a v2 ledger: the heads map as of each bounding heads entry is rebuilt from the
/// store's chain heads (<see cref="IChainHeadReader"/>), checked against the root the heads entry
/// commits to, and asked for the key's map proof; the chain is then walked through the entries'
/// back-links.
/// </summary>
/// <remarks>
/// Rebuilding a map costs one pass over the store's chain heads (about a second per million keys);
/// a bundle needs one or two. Nothing is cached between calls: each proof is made from the ledger
/// as it is.
/// </remarks>
public static class CompletenessProofBuilder
{
    /// <summary>Builds the proof for <paramref name="key"/> at the checkpoint of size <paramref name="treeSize"/>.</summary>
    /// <param name="store">An opened store.</param>
    /// <param name="key">The chain's heads-map key (<see cref="ChainKeys.Subject"/> or <see cref="ChainKeys.Model"/>).</param>
    /// <param name="treeSize">The size of a signed checkpoint of the ledger.</param>
    /// <param name="from">For a time window: the proof starts at the last heads entry recorded at or before this instant; null for the whole chain.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="InvalidOperationException">
    /// The ledger is not on entry format v2, the checkpoint's last entry is not a heads entry (it was signed before the
    /// switch), or a heads entry's root differs from the map rebuilt from the store (run <c>dledger verify</c>).
    /// </exception>
    public static async ValueTask<CompletenessProof> BuildAsync(ILedgerStore store, string key, long treeSize, DateTimeOffset? from, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(key);
        long switchSeq = await store.FindFirstEventAsync(LedgerEvent.FormatKind, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The ledger is on entry format 1: it has no 'format' event, so its entries carry no back-links and no completeness can be proven. Switch it with entryFormat 2 (docs/privacy.md).");
        long upperSeq = treeSize - 1;
        HeadsBound upper = await BoundAsync(store, key, switchSeq, upperSeq, cancellationToken).ConfigureAwait(false);
        HeadsBound? lower = null;
        if (from is { } start)
        {
            var filter = new EntryFilter { Kind = LedgerEvent.HeadsKind, To = start, BeforeSeq = upperSeq, Limit = 1 };
            await foreach (StoredEntry heads in store.QueryAsync(filter, cancellationToken).ConfigureAwait(false))
            {
                lower = await BoundAsync(store, key, switchSeq, heads.Seq, cancellationToken).ConfigureAwait(false);
                break;
            }
        }

        var chain = new List<long>();
        long stop = lower?.Last ?? -1;
        for (long seq = upper.Last; seq > stop;)
        {
            chain.Add(seq);
            StoredEntry entry = await store.GetEntryAsync(seq, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The chain {key} links to seq {seq}, which the store does not hold; run 'dledger verify'.");
            ChainLinks links = EntryCanonicalizer.Parse(entry.CanonicalBytes).Prev
                ?? throw new InvalidOperationException($"The chain {key} links to seq {seq}, which is not a v2 decision; run 'dledger verify'.");
            seq = key.StartsWith(ChainKeys.SubjectPrefix, StringComparison.Ordinal) ? links.Subject : links.Model;
        }

        return new CompletenessProof(key, treeSize, upper, lower, chain);
    }

    private static async ValueTask<HeadsBound> BoundAsync(ILedgerStore store, string key, long switchSeq, long headsSeq, CancellationToken cancellationToken)
    {
        StoredEntry? entry = await store.GetEntryAsync(headsSeq, cancellationToken).ConfigureAwait(false);
        EventEntry? heads = entry is not null && EventCanonicalizer.IsEvent(entry.CanonicalBytes) ? EventCanonicalizer.Parse(entry.CanonicalBytes) : null;
        if (heads?.Event.Kind != LedgerEvent.HeadsKind)
        {
            throw new InvalidOperationException($"Entry {headsSeq}, the last one under the checkpoint of size {headsSeq + 1}, is not a 'heads' entry: the checkpoint was signed before the ledger switched to entry format 2. Take a new checkpoint ('dledger checkpoint --new') and export again.");
        }

        var pairs = new List<(string Key, ChainHead Head)>();
        await foreach ((string Key, ChainHead Head) pair in store.ReadChainHeadsAsync(switchSeq, headsSeq, cancellationToken).ConfigureAwait(false))
        {
            pairs.Add(pair);
        }

        HeadsMap map = HeadsMap.Build(pairs);
        Sha256Hash root = map.ComputeRoot();
        if (root != heads.Event.HeadsRoot)
        {
            throw new InvalidOperationException($"The heads entry at seq {headsSeq} commits to root {heads.Event.HeadsRoot?.ToBase64()}, but the chain heads the store holds give {root.ToBase64()}; run 'dledger verify'.");
        }

        ChainHead? head = map.TryGet(key, out ChainHead found) ? found : null;
        return new HeadsBound(headsSeq, head, map.Prove(key));
    }
}
