using DecisionLedger.Merkle;

namespace DecisionLedger.Storage;

/// <summary>
/// Everything one group commit writes, atomically: new entries with their inputs, the
/// Merkle tiles they completed, and optionally a checkpoint covering them.
/// </summary>
/// <param name="Entries">Entries in ascending, contiguous <c>seq</c> order, starting at the store's size.</param>
/// <param name="Inputs">Stored inputs of those entries (entries without an input have none).</param>
/// <param name="Tiles">Full tiles completed by these entries.</param>
/// <param name="Checkpoint">A checkpoint to store in the same transaction, or null.</param>
public sealed record AppendBatch(
    IReadOnlyList<StoredEntry> Entries,
    IReadOnlyList<StoredInput> Inputs,
    IReadOnlyList<(TileId Id, Tile Tile)> Tiles,
    StoredCheckpoint? Checkpoint)
{
    /// <summary>
    /// The field paths of these entries and their plaintext inputs, by model name, as the recorder's
    /// builder collected them while it still held the bytes (<see cref="FieldPathCollector.Collect(AppendBatch)"/>),
    /// so no store parses an entry again to keep its field catalog. Null when the caller did not
    /// collect them; a store then collects them itself. Read-only by contract.
    /// </summary>
    public IReadOnlyDictionary<string, HashSet<string>>? FieldPaths { get; init; }

    /// <summary>
    /// Subject mappings (clear id → ref) the sequencer assigned for these entries, written to the
    /// store's <c>subjects</c> table in the batch's transaction; null or empty when none are new. An id
    /// or a ref already mapped fails the whole batch with <see cref="LedgerStoreException"/>.
    /// </summary>
    public IReadOnlyList<SubjectRef>? NewSubjectRefs { get; init; }

    /// <summary>The batch's field paths: <see cref="FieldPaths"/> when the builder collected them, else collected now.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> FieldPathsOrCollect() =>
        FieldPaths ?? FieldPathCollector.Collect(this);
}
