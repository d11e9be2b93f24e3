using System.Runtime.CompilerServices;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Archiving;

/// <summary>
/// A read view of a ledger over its live store and its archives: entries and inputs the live store
/// no longer holds because they were archived are read from the archive files, so <c>show</c>,
/// <c>export</c>, subject reports and <c>verify</c> see one ledger. Tiles, checkpoints, events and
/// every write go to the live store.
/// </summary>
/// <remarks>
/// Entries are merged by seq: a range that overlaps an archived range gets the live rows and the
/// archive rows of that range (a row held by both, with the same bytes, once). Queries add the
/// archive rows their column filters match (a <c>--where</c> predicate is not evaluated over archives;
/// <c>dledger query --include-archive</c> does that). The view does not own the live store: disposing
/// it leaves the store open.
/// </remarks>
public sealed partial class ArchiveBackedLedgerStore : ILedgerStore, IDerivedTableStore, ICleanCloseStore, ICheckpointAttestationStore
{
    private readonly ILedgerStore _live;
    private readonly bool _strict;

    /// <summary>Creates the view.</summary>
    /// <param name="live">The opened live store.</param>
    /// <param name="archives">Reads the ledger's archive files.</param>
    /// <param name="strict">
    /// True (the default, for show, export and reports): a file that fails its checks is refused with
    /// <see cref="ArchiveIntegrityException"/>. False (for verification): its rows are served as they
    /// are, so verification can name the bad row.
    /// </param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ArchiveBackedLedgerStore(ILedgerStore live, ArchiveReader archives, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(archives);
        _live = live;
        Archives = archives;
        _strict = strict;
    }

    /// <summary>The live store.</summary>
    public ILedgerStore Live => _live;

    /// <summary>The archive reader.</summary>
    public ArchiveReader Archives { get; }

    /// <summary>The ledger's archive catalog.</summary>
    public ArchiveCatalog Catalog => Archives.Catalog;

    /// <inheritdoc />
    public IReadOnlyList<IDerivedTable> DerivedTables => _live is IDerivedTableStore derived ? derived.DerivedTables : [];

    /// <inheritdoc />
    public ValueTask<LedgerHead> OpenAsync(CancellationToken cancellationToken = default) => _live.OpenAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default) => _live.AppendAsync(batch, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default) => _live.GetSizeAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default) => _live.AppendCheckpointAsync(checkpoint, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default)
    {
        if (await _live.GetEntryAsync(seq, cancellationToken).ConfigureAwait(false) is { } live)
        {
            return live;
        }

        if (!Catalog.Covers(seq))
        {
            return null;
        }

        await foreach (ArchivedEntry entry in Archives.ReadRowsAsync(seq, seq + 1, _strict, cancellationToken).ConfigureAwait(false))
        {
            return entry.ToStoredEntry();
        }

        return null;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!Catalog.Overlaps(fromSeq, toSeq))
        {
            await foreach (StoredEntry entry in _live.ReadEntriesAsync(fromSeq, toSeq, cancellationToken).ConfigureAwait(false))
            {
                yield return entry;
            }

            yield break;
        }

        IAsyncEnumerator<StoredEntry> live = _live.ReadEntriesAsync(fromSeq, toSeq, cancellationToken).GetAsyncEnumerator(cancellationToken);
        IAsyncEnumerator<ArchivedEntry> archived = Archives.ReadRowsAsync(fromSeq, toSeq, _strict, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            bool hasLive = await live.MoveNextAsync().ConfigureAwait(false);
            bool hasArchived = await archived.MoveNextAsync().ConfigureAwait(false);
            while (hasLive || hasArchived)
            {
                if (hasLive && (!hasArchived || live.Current.Seq <= archived.Current.Seq))
                {
                    StoredEntry current = live.Current;
                    yield return current;

                    // Held by both (removal not yet run after the archived event): once, when the bytes agree.
                    if (hasArchived && archived.Current.Seq == current.Seq && archived.Current.Row.Entry.AsSpan().SequenceEqual(current.CanonicalBytes))
                    {
                        hasArchived = await archived.MoveNextAsync().ConfigureAwait(false);
                    }

                    hasLive = await live.MoveNextAsync().ConfigureAwait(false);
                }
                else
                {
                    yield return archived.Current.ToStoredEntry();
                    hasArchived = await archived.MoveNextAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await live.DisposeAsync().ConfigureAwait(false);
            await archived.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default)
    {
        if (!Catalog.Overlaps(fromSeq, toSeq))
        {
            return await _live.ReadLeafHashesAsync(fromSeq, toSeq, cancellationToken).ConfigureAwait(false);
        }

        // Archived entries keep no stored leaf hash: it is computed from their bytes (a cache; proofs end at the signed root).
        var leaves = new List<Sha256Hash>();
        await foreach (StoredEntry entry in ReadEntriesAsync(fromSeq, toSeq, cancellationToken).ConfigureAwait(false))
        {
            leaves.Add(entry.LeafHash);
        }

        return leaves;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default) => _live.ReadCheckpointsAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) => _live.GetLatestCheckpointAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default)
    {
        if (await _live.GetInputAsync(seq, cancellationToken).ConfigureAwait(false) is { } live)
        {
            return live;
        }

        if (!Catalog.Covers(seq) || await _live.GetEntryAsync(seq, cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        await foreach (ArchivedEntry entry in Archives.ReadRowsAsync(seq, seq + 1, _strict, cancellationToken).ConfigureAwait(false))
        {
            return entry.ToStoredInput();
        }

        return null;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!Catalog.Overlaps(fromSeq, toSeq))
        {
            await foreach (StoredInput input in _live.ReadInputsAsync(fromSeq, toSeq, cancellationToken).ConfigureAwait(false))
            {
                yield return input;
            }

            yield break;
        }

        var inputs = new SortedDictionary<long, StoredInput>();
        await foreach (ArchivedEntry entry in Archives.ReadRowsAsync(fromSeq, toSeq, _strict, cancellationToken).ConfigureAwait(false))
        {
            if (entry.ToStoredInput() is { } archived)
            {
                inputs.TryAdd(archived.Seq, archived);
            }
        }

        // A live input wins over the archived copy of the same seq (removal not yet run).
        await foreach (StoredInput input in _live.ReadInputsAsync(fromSeq, toSeq, cancellationToken).ConfigureAwait(false))
        {
            inputs[input.Seq] = input;
        }

        foreach (StoredInput input in inputs.Values)
        {
            yield return input;
        }
    }

    /// <inheritdoc />
    /// <remarks>Deletes live inputs only; archived inputs are erased by rewriting their files (<c>dledger erase</c> does both).</remarks>
    public ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default) => _live.DeleteInputsAsync(seqs, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default) => _live.GetSubjectKeysAsync(subjectIds, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default) => _live.GetOrCreateSubjectKeysAsync(candidates, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default) => _live.DeleteSubjectKeyAsync(subjectId, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectRefsAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default) => _live.GetSubjectRefsAsync(subjectIds, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectIdsAsync(IReadOnlyCollection<string> refs, CancellationToken cancellationToken = default) => _live.GetSubjectIdsAsync(refs, cancellationToken);

    /// <inheritdoc />
    public ValueTask<string?> DeleteSubjectRefAsync(string subjectId, CancellationToken cancellationToken = default) => _live.DeleteSubjectRefAsync(subjectId, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default)
    {
        StoredEntry? live = await _live.FindByRequestIdAsync(requestId, cancellationToken).ConfigureAwait(false);
        if (live is not null || Catalog.IsEmpty)
        {
            return live;
        }

        await foreach (ArchivedEntry entry in Archives.FindByRequestIdAsync(requestId, cancellationToken).ConfigureAwait(false))
        {
            return entry.ToStoredEntry();
        }

        return null;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default) => _live.FindExistingRequestIdsAsync(requestIds, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (Catalog.IsEmpty || filter.Where.Count > 0 || filter.Kind is { } kind && kind != EntryColumns.DecisionKind)
        {
            // Archives hold decisions only; where predicates over archives are the DuckDB query's job.
            await foreach (StoredEntry entry in _live.QueryAsync(filter, cancellationToken).ConfigureAwait(false))
            {
                yield return entry;
            }

            yield break;
        }

        List<StoredEntry> archived = await QueryArchivesAsync(filter, cancellationToken).ConfigureAwait(false);
        int next = 0;
        int returned = 0;
        await foreach (StoredEntry entry in _live.QueryAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            while (next < archived.Count && archived[next].Seq > entry.Seq && returned < filter.Limit)
            {
                yield return archived[next++];
                returned++;
            }

            if (returned >= filter.Limit)
            {
                yield break;
            }

            if (next < archived.Count && archived[next].Seq == entry.Seq)
            {
                next++;
            }

            yield return entry;
            returned++;
        }

        while (next < archived.Count && returned < filter.Limit)
        {
            yield return archived[next++];
            returned++;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default) => _live.GetFieldPathsAsync(modelName, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<(string Key, Heads.ChainHead Head)> ReadChainHeadsAsync(long fromSeq, long beforeSeq, CancellationToken cancellationToken = default) => _live.ReadChainHeadsAsync(fromSeq, beforeSeq, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long?> FindFirstEventAsync(string kind, CancellationToken cancellationToken = default) => _live.FindFirstEventAsync(kind, cancellationToken);

    /// <inheritdoc />
    public ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default) => _live.ReadTileAsync(id, cancellationToken);

    /// <inheritdoc />
    public ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default) => _live.WriteTilesAsync(tiles, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long?> ReadCleanCloseAsync(CancellationToken cancellationToken = default) =>
        _live is ICleanCloseStore marker ? marker.ReadCleanCloseAsync(cancellationToken) : ValueTask.FromResult<long?>(null);

    /// <inheritdoc />
    public ValueTask WriteCleanCloseAsync(long? treeSize, CancellationToken cancellationToken = default) =>
        _live is ICleanCloseStore marker ? marker.WriteCleanCloseAsync(treeSize, cancellationToken) : throw new NotSupportedException("The live store keeps no clean-close marker.");

    /// <summary>The view does not own the live store: disposing it does nothing.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // The subject filter takes the clear id: archived v2 rows hold the subject's ref, found through the live mapping.
    private async Task<List<StoredEntry>> QueryArchivesAsync(EntryFilter filter, CancellationToken cancellationToken)
    {
        string? subjectRef = null;
        if (filter.SubjectId is { } subject)
        {
            IReadOnlyDictionary<string, string> refs = await _live.GetSubjectRefsAsync([subject], cancellationToken).ConfigureAwait(false);
            subjectRef = refs.TryGetValue(subject, out string? found) ? found : null;
        }

        EntryFilter columns = filter with { SubjectId = null };
        var matches = new List<StoredEntry>();
        IAsyncEnumerable<ArchivedEntry> candidates = filter.SubjectId is { } subjectId
            ? Archives.FindBySubjectAsync(subjectRef is null ? [subjectId] : [subjectId, subjectRef], cancellationToken)
            : Archives.ScanAsync(static _ => true, cancellationToken);
        await foreach (ArchivedEntry entry in candidates.ConfigureAwait(false))
        {
            StoredEntry stored = entry.ToStoredEntry();
            if (columns.MatchesColumns(stored))
            {
                matches.Add(stored);
            }
        }

        return matches;
    }
}
