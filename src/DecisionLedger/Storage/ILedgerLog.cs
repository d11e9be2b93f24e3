using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Storage;

/// <summary>
/// The log port: the append-only sequence of entries with the Merkle tiles and checkpoints that
/// commit to it. <see cref="AppendAsync"/> writes entries, their inputs, tiles and a checkpoint in
/// one transaction; everything else reads by seq. Entries, tiles and checkpoints are never
/// updated or deleted.
/// </summary>
public interface ILedgerLog : ITileStore, IAsyncDisposable
{
    /// <summary>Creates the schema if needed, checks the tail is intact, and reports the head.</summary>
    /// <exception cref="LedgerStoreException">The store cannot be opened or its tail is torn.</exception>
    ValueTask<LedgerHead> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes a batch in one transaction: all of it is durable when this returns, or none of it.</summary>
    /// <exception cref="LedgerStoreException">The write failed; nothing of the batch was stored.</exception>
    ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Returns the number of entries now in the store (the next <c>seq</c>).</summary>
    ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a checkpoint on its own (e.g. on shutdown with no new entries).</summary>
    ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Returns the entry at <paramref name="seq"/>, or null.</summary>
    ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default);

    /// <summary>Streams entries with <paramref name="fromSeq"/> ≤ seq &lt; <paramref name="toSeq"/> in ascending order.</summary>
    IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default);

    /// <summary>Returns the stored leaf hashes of entries in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>), ascending.</summary>
    ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default);

    /// <summary>Streams every stored checkpoint in the order stored.</summary>
    IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the newest checkpoint, or null.</summary>
    ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default);
}
