using System.Runtime.CompilerServices;
using DecisionLedger.Erasure;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Testing;

/// <summary>
/// A complete <see cref="ILedgerStore"/> in memory, for unit tests of code that records, queries or
/// verifies decisions. It is held to the same contract suite as the SQLite and PostgreSQL stores:
/// appends are atomic and checked (contiguous seqs, unique request ids, immutable tiles), queries
/// evaluate every filter and where predicate, erasure and subject keys behave as in a database.
/// Its index is written in the commit, so a query sees an entry as soon as it is recorded.
/// </summary>
/// <remarks>
/// Nothing survives the process. <see cref="Reopen"/> gives a second store over the same
/// <see cref="Data"/>, as reopening a file would; <see cref="Data"/> is public so a test can change
/// rows behind the store's back, the way someone with database access would, and check that
/// verification notices. Disposing the store does not clear its data.
/// </remarks>
/// <param name="data">The storage; pass the same instance to a second store to "reopen" it.</param>
public sealed partial class InMemoryLedgerStore(InMemoryLedgerData data) : ILedgerStore, ICleanCloseStore
{
    /// <summary>Creates a store over new, empty data.</summary>
    public InMemoryLedgerStore()
        : this(new InMemoryLedgerData())
    {
    }

    /// <summary>The storage this store reads and writes.</summary>
    public InMemoryLedgerData Data { get; } = data;

    /// <summary>A new store over the same <see cref="Data"/>: what a recorder sees after a restart.</summary>
    /// <returns>A second store; entries, checkpoints, inputs and keys are shared with this one.</returns>
    public InMemoryLedgerStore Reopen() => new(Data);

    /// <inheritdoc />
    public ValueTask<long?> ReadCleanCloseAsync(CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            return ValueTask.FromResult(Data.CleanCloseSize);
        }
    }

    /// <inheritdoc />
    public ValueTask WriteCleanCloseAsync(long? treeSize, CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            Data.CleanCloseSize = treeSize;
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask<LedgerHead> OpenAsync(CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            return ValueTask.FromResult(new LedgerHead(Data.Entries.Count, Data.Checkpoints.Count == 0 ? null : Data.Checkpoints[^1]));
        }
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (Data.Gate)
        {
            // Everything is checked before anything is written: the batch is all or nothing.
            long size = Data.Entries.Count;
            var requestIds = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < batch.Entries.Count; i++)
            {
                StoredEntry entry = batch.Entries[i];
                if (entry.Seq != size + i)
                {
                    throw new LedgerStoreException(
                        $"Append rejected: expected seq {size + i} but the batch has seq {entry.Seq} at position {i}. The in-memory ledger holds {size} entries; nothing was stored.");
                }

                string requestId = entry.Columns.RequestId;
                if (Data.RequestIds.ContainsKey(requestId) || !requestIds.Add(requestId))
                {
                    throw new LedgerStoreException(
                        $"Append rejected: request id '{requestId}' (seq {entry.Seq}) is already in the in-memory ledger or earlier in the batch; request ids are unique per ledger. Nothing of the batch was stored.");
                }
            }

            long newSize = size + batch.Entries.Count;
            if (batch.Inputs.FirstOrDefault(input => input.Seq < size || input.Seq >= newSize) is { } stray)
            {
                throw new LedgerStoreException($"Append rejected: the batch holds an input for seq {stray.Seq}, outside its entries [{size}, {newSize}). Nothing was stored.");
            }

            ThrowIfTileConflicts(batch.Tiles, id => new LedgerStoreException($"Append rejected: tile {id} is already stored with different content; tiles are immutable. Nothing was stored."));
            if (batch.Checkpoint is { } checkpoint && (checkpoint.TreeSize < 0 || checkpoint.TreeSize > newSize))
            {
                throw new LedgerStoreException($"Checkpoint rejected: it covers {checkpoint.TreeSize} entries but the ledger will hold {newSize}; nothing was stored.");
            }

            ThrowIfSubjectRefsConflict(batch.NewSubjectRefs);
            WriteSubjectRefs(batch.NewSubjectRefs);
            foreach (StoredEntry entry in batch.Entries)
            {
                Data.Entries.Add(entry);
                Data.RequestIds.Add(entry.Columns.RequestId, entry.Seq);
            }

            foreach (StoredInput input in batch.Inputs)
            {
                Data.Inputs[input.Seq] = input;
            }

            foreach ((TileId id, Tile tile) in batch.Tiles)
            {
                Data.Tiles[id] = tile;
            }

            if (batch.Checkpoint is not null)
            {
                Data.Checkpoints.Add(batch.Checkpoint);
            }

            foreach ((string model, HashSet<string> paths) in FieldPathCollector.Collect(batch))
            {
                if (!Data.FieldPaths.TryGetValue(model, out HashSet<string>? known))
                {
                    Data.FieldPaths[model] = known = new HashSet<string>(StringComparer.Ordinal);
                }

                known.UnionWith(paths);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            return ValueTask.FromResult((long)Data.Entries.Count);
        }
    }

    /// <inheritdoc />
    public ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        lock (Data.Gate)
        {
            if (checkpoint.TreeSize < 0 || checkpoint.TreeSize > Data.Entries.Count)
            {
                throw new LedgerStoreException($"Checkpoint rejected: it covers {checkpoint.TreeSize} entries but the ledger holds {Data.Entries.Count}; nothing was stored.");
            }

            Data.Checkpoints.Add(checkpoint);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            return ValueTask.FromResult(EntryAt(seq));
        }
    }

    /// <inheritdoc />
    public ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            return ValueTask.FromResult(Data.RequestIds.TryGetValue(requestId, out long seq) ? EntryAt(seq) : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        lock (Data.Gate)
        {
            return ValueTask.FromResult<IReadOnlySet<string>>(requestIds.Where(Data.RequestIds.ContainsKey).ToHashSet(StringComparer.Ordinal));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (StoredEntry entry in Snapshot(e => e.Seq >= fromSeq && e.Seq < toSeq))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<Sha256Hash>>(Snapshot(e => e.Seq >= fromSeq && e.Seq < toSeq).Select(e => e.LeafHash).ToList());

    /// <inheritdoc />
    public ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            return ValueTask.FromResult(Data.Inputs.GetValueOrDefault(seq));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        StoredInput[] inputs;
        lock (Data.Gate)
        {
            inputs = [.. Data.Inputs.Values.Where(i => i.Seq >= fromSeq && i.Seq < toSeq)];
        }

        foreach (StoredInput input in inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return input;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        StoredCheckpoint[] checkpoints;
        lock (Data.Gate)
        {
            checkpoints = [.. Data.Checkpoints];
        }

        foreach (StoredCheckpoint checkpoint in checkpoints)
        {
            yield return checkpoint;
        }
    }

    /// <inheritdoc />
    public ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            return ValueTask.FromResult(Data.Checkpoints.Count == 0 ? null : Data.Checkpoints[^1]);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, CancellationToken cancellationToken = default) =>
        SubjectQuery.QueryAsync(filter, this, this, QueryColumnsAsync, cancellationToken);

    // Matches the subject column literally; QueryAsync maps a clear subject id onto v1 and v2 rows.
    private async IAsyncEnumerable<StoredEntry> QueryColumnsAsync(EntryFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(filter.Limit, nameof(filter));
        await Task.Yield();

        // Core's column matcher refuses unresolved where predicates; this store evaluates them itself below.
        EntryFilter columns = filter.Where.Count == 0 ? filter : filter with { Where = [] };
        var page = new List<StoredEntry>();
        lock (Data.Gate)
        {
            for (int i = Data.Entries.Count - 1; i >= 0 && page.Count < filter.Limit; i--)
            {
                StoredEntry entry = Data.Entries[i];
                if (columns.Matches(entry)
                    && InMemoryWhereEvaluator.Matches(filter.Where, entry.CanonicalBytes, Data.Inputs.GetValueOrDefault(entry.Seq)?.Input))
                {
                    page.Add(entry);
                }
            }
        }

        foreach (StoredEntry entry in page)
        {
            yield return entry;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            IEnumerable<string> paths = modelName is null
                ? Data.FieldPaths.Values.SelectMany(p => p)
                : Data.FieldPaths.GetValueOrDefault(modelName) ?? [];
            return ValueTask.FromResult<IReadOnlyList<string>>(paths.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());
        }
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        lock (Data.Gate)
        {
            var erased = new ErasedFieldPaths();
            foreach (long seq in seqs)
            {
                if (Data.Inputs.TryGetValue(seq, out StoredInput? input))
                {
                    erased.AddErased(Data.Entries[(int)seq].Columns.ModelName, input.Input);
                }

                if (seq >= 0 && seq < Data.Entries.Count && Data.Entries[(int)seq].Columns.InputFingerprint is not null)
                {
                    StoredEntry entry = Data.Entries[(int)seq];
                    Data.Entries[(int)seq] = entry with { Columns = entry.Columns with { InputFingerprint = null } };
                }
            }

            int deleted = seqs.Distinct().Count(Data.Inputs.Remove);
            foreach (StoredInput remaining in Data.Inputs.Values.Reverse())
            {
                erased.SeenRemaining(Data.Entries[(int)remaining.Seq].Columns.ModelName, remaining.Input);
            }

            foreach ((string model, string path) in erased.Orphaned())
            {
                Data.FieldPaths.GetValueOrDefault(model)?.Remove(path);
            }

            return ValueTask.FromResult(deleted);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectIds);
        lock (Data.Gate)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<string, byte[]>>(
                subjectIds.Distinct(StringComparer.Ordinal).Where(Data.SubjectKeys.ContainsKey).ToDictionary(s => s, s => Data.SubjectKeys[s], StringComparer.Ordinal));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        lock (Data.Gate)
        {
            foreach ((string subject, byte[] key) in candidates)
            {
                Data.SubjectKeys.TryAdd(subject, key);
            }

            return ValueTask.FromResult<IReadOnlyDictionary<string, byte[]>>(candidates.Keys.ToDictionary(s => s, s => Data.SubjectKeys[s], StringComparer.Ordinal));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            return ValueTask.FromResult(Data.SubjectKeys.Remove(subjectId));
        }
    }

    /// <inheritdoc />
    public ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default)
    {
        lock (Data.Gate)
        {
            return ValueTask.FromResult(Data.Tiles.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc />
    public ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        lock (Data.Gate)
        {
            ThrowIfTileConflicts(tiles, id => new InvalidOperationException($"Tile {id} is already stored with different content; tiles are immutable once written."));
            foreach ((TileId id, Tile tile) in tiles)
            {
                Data.Tiles[id] = tile;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void ThrowIfTileConflicts(IReadOnlyList<(TileId Id, Tile Tile)> tiles, Func<TileId, Exception> error)
    {
        foreach ((TileId id, Tile tile) in tiles)
        {
            if (Data.Tiles.TryGetValue(id, out Tile? stored) && !stored.BaseEquals(tile))
            {
                throw error(id);
            }
        }
    }

    // Looked up by the seq column, as a database would: a test may have deleted or inserted rows in Data.Entries.
    private StoredEntry? EntryAt(long seq)
    {
        if (seq >= 0 && seq < Data.Entries.Count && Data.Entries[(int)seq].Seq == seq)
        {
            return Data.Entries[(int)seq];
        }

        return Data.Entries.Find(e => e.Seq == seq);
    }

    private List<StoredEntry> Snapshot(Func<StoredEntry, bool> predicate)
    {
        lock (Data.Gate)
        {
            return Data.Entries.Where(predicate).ToList();
        }
    }
}
