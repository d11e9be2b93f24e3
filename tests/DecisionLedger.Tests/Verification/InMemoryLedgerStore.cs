using System.Runtime.CompilerServices;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Tests.Verification;

/// <summary>
/// A plain in-memory fake of the <see cref="ILedgerStore"/> port (not of a database): its lists are
/// public so tests can tamper with rows the way an attacker with database access would.
/// </summary>
internal sealed class InMemoryLedgerStore : ILedgerStore
{
    public List<StoredEntry> Entries { get; } = [];

    public List<StoredInput> Inputs { get; } = [];

    public List<StoredCheckpoint> Checkpoints { get; } = [];

    public Dictionary<TileId, Tile> Tiles { get; } = [];

    public ValueTask<LedgerHead> OpenAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new LedgerHead(Entries.Count, Checkpoints.Count == 0 ? null : Checkpoints[^1]));

    public ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default)
    {
        Entries.AddRange(batch.Entries);
        Inputs.AddRange(batch.Inputs);
        foreach ((TileId id, Tile tile) in batch.Tiles)
        {
            Tiles[id] = tile;
        }

        if (batch.Checkpoint is not null)
        {
            Checkpoints.Add(batch.Checkpoint);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult((long)Entries.Count);

    public ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        Checkpoints.Add(checkpoint);
        return ValueTask.CompletedTask;
    }

    public ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Entries.FirstOrDefault(e => e.Seq == seq));

    public ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Entries.FirstOrDefault(e => e.Columns.RequestId == requestId));

    public ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlySet<string>>(Entries.Select(e => e.Columns.RequestId).Where(requestIds.Contains).ToHashSet());

    // Rows are returned in list order (storage order), filtered by their row seq, as a database would.
    public async IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (StoredEntry entry in Entries.ToArray())
        {
            if (entry.Seq >= fromSeq && entry.Seq < toSeq)
            {
                yield return entry;
            }
        }
    }

    public ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<Sha256Hash>>(Entries.Where(e => e.Seq >= fromSeq && e.Seq < toSeq).Select(e => e.LeafHash).ToList());

    public ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Inputs.FirstOrDefault(i => i.Seq == seq));

    public async IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (StoredInput input in Inputs.Where(i => i.Seq >= fromSeq && i.Seq < toSeq).OrderBy(i => i.Seq).ToArray())
        {
            yield return input;
        }
    }

    public async IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (StoredCheckpoint checkpoint in Checkpoints.ToArray())
        {
            yield return checkpoint;
        }
    }

    public ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Checkpoints.Count == 0 ? null : Checkpoints[^1]);

    public async IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (filter.Where.Count > 0)
        {
            throw new NotSupportedException("This fake does not evaluate where predicates; the store contract suite covers them against real stores.");
        }

        foreach (StoredEntry entry in Entries
            .Where(e => filter.ModelName is null || e.Columns.ModelName == filter.ModelName)
            .Where(e => filter.SubjectId is null || e.Columns.SubjectId == filter.SubjectId)
            .Where(e => filter.Kind is null || e.Columns.Kind == filter.Kind)
            .Where(e => filter.BeforeSeq is null || e.Seq < filter.BeforeSeq)
            .OrderByDescending(e => e.Seq).Take(filter.Limit).ToArray())
        {
            yield return entry;
        }
    }

    public ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (StoredEntry entry in Entries.Where(e => modelName is null || e.Columns.ModelName == modelName))
        {
            FieldPathCollector.CollectEntry(entry.CanonicalBytes, paths);
            foreach (StoredInput input in Inputs.Where(i => i.Seq == entry.Seq))
            {
                FieldPathCollector.CollectInput(input.Input, paths);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(paths.Order(StringComparer.Ordinal).ToList());
    }

    public ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Inputs.RemoveAll(i => seqs.Contains(i.Seq)));

    public Dictionary<string, byte[]> SubjectKeys { get; } = new(StringComparer.Ordinal);

    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, byte[]>>(subjectIds.Where(SubjectKeys.ContainsKey).ToDictionary(s => s, s => SubjectKeys[s], StringComparer.Ordinal));

    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default)
    {
        foreach ((string subject, byte[] key) in candidates)
        {
            SubjectKeys.TryAdd(subject, key);
        }

        return GetSubjectKeysAsync(candidates.Keys.ToList(), cancellationToken);
    }

    public ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SubjectKeys.Remove(subjectId));

    public ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Tiles.TryGetValue(id, out Tile? tile) ? tile : null);

    public ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default)
    {
        foreach ((TileId id, Tile tile) in tiles)
        {
            Tiles[id] = tile;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
