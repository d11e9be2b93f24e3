using DecisionLedger.Hashing;
using DecisionLedger.Heads;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>
/// Forwards every store call to the real store beneath; a fault-injecting test store overrides only
/// the calls it changes.
/// </summary>
internal abstract class DelegatingLedgerStore(ILedgerStore inner) : ILedgerStore
{
    protected ILedgerStore Inner { get; } = inner;

    public virtual IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default) => Inner.ReadCheckpointsAsync(cancellationToken);

    public virtual IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, CancellationToken cancellationToken = default) => Inner.QueryAsync(filter, cancellationToken);

    public virtual IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) => Inner.ReadEntriesAsync(fromSeq, toSeq, cancellationToken);

    public virtual IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) => Inner.ReadInputsAsync(fromSeq, toSeq, cancellationToken);

    public virtual ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default) => Inner.AppendAsync(batch, cancellationToken);

    public virtual ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default) => Inner.AppendCheckpointAsync(checkpoint, cancellationToken);

    public virtual ValueTask DisposeAsync() => Inner.DisposeAsync();

    public virtual ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default) => Inner.WriteTilesAsync(tiles, cancellationToken);

    public virtual ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default) => Inner.GetOrCreateSubjectKeysAsync(candidates, cancellationToken);

    public virtual ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default) => Inner.GetSubjectKeysAsync(subjectIds, cancellationToken);

    public virtual ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) => Inner.ReadLeafHashesAsync(fromSeq, toSeq, cancellationToken);

    public virtual ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default) => Inner.GetFieldPathsAsync(modelName, cancellationToken);

    public virtual ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default) => Inner.FindExistingRequestIdsAsync(requestIds, cancellationToken);

    public virtual ValueTask<LedgerHead> OpenAsync(CancellationToken cancellationToken = default) => Inner.OpenAsync(cancellationToken);

    public virtual ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) => Inner.GetLatestCheckpointAsync(cancellationToken);

    public virtual ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default) => Inner.FindByRequestIdAsync(requestId, cancellationToken);

    public virtual ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default) => Inner.GetEntryAsync(seq, cancellationToken);

    public virtual ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default) => Inner.GetInputAsync(seq, cancellationToken);

    public virtual ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default) => Inner.ReadTileAsync(id, cancellationToken);

    public virtual ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default) => Inner.DeleteSubjectKeyAsync(subjectId, cancellationToken);

    public virtual ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default) => Inner.DeleteInputsAsync(seqs, cancellationToken);

    public virtual ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default) => Inner.GetSizeAsync(cancellationToken);

    public virtual ValueTask<IReadOnlyDictionary<string, string>> GetSubjectRefsAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default) => Inner.GetSubjectRefsAsync(subjectIds, cancellationToken);

    public virtual ValueTask<IReadOnlyDictionary<string, string>> GetSubjectIdsAsync(IReadOnlyCollection<string> refs, CancellationToken cancellationToken = default) => Inner.GetSubjectIdsAsync(refs, cancellationToken);

    public virtual ValueTask<string?> DeleteSubjectRefAsync(string subjectId, CancellationToken cancellationToken = default) => Inner.DeleteSubjectRefAsync(subjectId, cancellationToken);

    public virtual IAsyncEnumerable<(string Key, ChainHead Head)> ReadChainHeadsAsync(long fromSeq, long beforeSeq, CancellationToken cancellationToken = default) => Inner.ReadChainHeadsAsync(fromSeq, beforeSeq, cancellationToken);

    public virtual ValueTask<long?> FindFirstEventAsync(string kind, CancellationToken cancellationToken = default) => Inner.FindFirstEventAsync(kind, cancellationToken);
}
