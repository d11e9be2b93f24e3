using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>
/// Fault injection around the real SQLite store: the next <see cref="FailNextAppends"/> appends
/// throw as a full disk would, everything else goes to SQLite. It also records what the recorder
/// wrote (batches, checkpoints written alone) and can hold appends at a <see cref="Gate"/>.
/// </summary>
internal sealed class FailingStore(ILedgerStore inner) : ILedgerStore
{
    private int _failNextAppends;
    private int _standaloneCheckpoints;

    public int FailNextAppends
    {
        get => Volatile.Read(ref _failNextAppends);
        set => Volatile.Write(ref _failNextAppends, value);
    }

    public int FailedAppends { get; private set; }

    /// <summary>Every batch appended successfully, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<AppendBatch> Appended { get; } = new();

    /// <summary>How many checkpoints were stored on their own, outside a batch.</summary>
    public int StandaloneCheckpoints => Volatile.Read(ref _standaloneCheckpoints);

    /// <summary>When set, each append waits for a release of this semaphore (a stalled disk).</summary>
    public SemaphoreSlim? Gate { get; set; }

    public async ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default)
    {
        if (Gate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        if (Interlocked.Decrement(ref _failNextAppends) >= 0)
        {
            FailedAppends++;
            throw new LedgerStoreException("injected failure: database or disk is full");
        }

        await inner.AppendAsync(batch, cancellationToken);
        Appended.Enqueue(batch);
    }

    public ValueTask<LedgerHead> OpenAsync(CancellationToken cancellationToken = default) => inner.OpenAsync(cancellationToken);

    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default) => inner.GetSizeAsync(cancellationToken);

    public ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _standaloneCheckpoints);
        return inner.AppendCheckpointAsync(checkpoint, cancellationToken);
    }

    public ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default) => inner.GetEntryAsync(seq, cancellationToken);

    public ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default) => inner.FindByRequestIdAsync(requestId, cancellationToken);

    public ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default) => inner.FindExistingRequestIdsAsync(requestIds, cancellationToken);

    public IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) => inner.ReadEntriesAsync(fromSeq, toSeq, cancellationToken);

    public ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) => inner.ReadLeafHashesAsync(fromSeq, toSeq, cancellationToken);

    public ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default) => inner.GetInputAsync(seq, cancellationToken);

    public IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) => inner.ReadInputsAsync(fromSeq, toSeq, cancellationToken);

    public IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default) => inner.ReadCheckpointsAsync(cancellationToken);

    public ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) => inner.GetLatestCheckpointAsync(cancellationToken);

    public IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, CancellationToken cancellationToken = default) => inner.QueryAsync(filter, cancellationToken);

    public ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default) => inner.GetFieldPathsAsync(modelName, cancellationToken);

    public ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default) => inner.DeleteInputsAsync(seqs, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default) => inner.GetSubjectKeysAsync(subjectIds, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default) => inner.GetOrCreateSubjectKeysAsync(candidates, cancellationToken);

    public ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default) => inner.DeleteSubjectKeyAsync(subjectId, cancellationToken);

    public ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default) => inner.ReadTileAsync(id, cancellationToken);

    public ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default) => inner.WriteTilesAsync(tiles, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
