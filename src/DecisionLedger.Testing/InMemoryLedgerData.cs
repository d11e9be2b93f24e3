using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Testing;

/// <summary>
/// What an <see cref="InMemoryLedgerStore"/> holds, kept apart from the store so a second store over
/// the same data behaves as a reopened file would.
/// </summary>
/// <remarks>
/// The collections are public so a test can tamper with rows as someone with database access could
/// (rewrite an entry's bytes, delete a row, roll a checkpoint back); such changes bypass every check
/// the store makes on append. The store takes <see cref="Gate"/> for every access: take it too when
/// changing the data while a recorder is running.
/// </remarks>
public sealed class InMemoryLedgerData
{
    /// <summary>Serializes every read and write of the data; the store holds it for each call.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Entries in seq order.</summary>
    public List<StoredEntry> Entries { get; } = [];

    /// <summary>Request id → seq, the uniqueness the log enforces at commit.</summary>
    public Dictionary<string, long> RequestIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Stored inputs by seq.</summary>
    public SortedDictionary<long, StoredInput> Inputs { get; } = [];

    /// <summary>Checkpoints in the order stored.</summary>
    public List<StoredCheckpoint> Checkpoints { get; } = [];

    /// <summary>Witness cosignatures and time-stamp tokens in the order stored (<see cref="ICheckpointAttestationStore"/>).</summary>
    public List<CheckpointAttestation> CheckpointAttestations { get; } = [];

    /// <summary>The tree size the last recorder closed the ledger cleanly at, or null (<see cref="ICleanCloseStore"/>).</summary>
    public long? CleanCloseSize { get; set; }

    /// <summary>Full tiles by id.</summary>
    public Dictionary<TileId, Tile> Tiles { get; } = [];

    /// <summary>Wrapped subject keys by subject id.</summary>
    public Dictionary<string, byte[]> SubjectKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>The subjects mapping of entry v2: clear subject id → ref (<see cref="ISubjectRefStore"/>).</summary>
    public Dictionary<string, string> SubjectRefs { get; } = new(StringComparer.Ordinal);

    /// <summary>The field catalog: model → paths.</summary>
    public Dictionary<string, HashSet<string>> FieldPaths { get; } = new(StringComparer.Ordinal);
}
