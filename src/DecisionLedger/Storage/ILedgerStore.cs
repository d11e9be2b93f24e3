namespace DecisionLedger.Storage;

/// <summary>
/// The port every ledger store implements (SQLite embedded, PostgreSQL production): the composite
/// of the narrow ports <see cref="ILedgerLog"/> (entries, tiles, checkpoints), <see cref="IInputStore"/>,
/// <see cref="ISubjectKeyStore"/>, <see cref="ISubjectRefStore"/> (the subjects mapping of entry v2),
/// <see cref="IDecisionIndex"/> and <see cref="IChainHeadReader"/>. A store is append-only: entries,
/// tiles and checkpoints are never updated or deleted; only stored inputs, subject keys and subject
/// mapping rows may be deleted, by erasure. One store contract test suite runs against every implementation.
/// </summary>
public interface ILedgerStore : ILedgerLog, IInputStore, ISubjectKeyStore, ISubjectRefStore, IDecisionIndex, IChainHeadReader;
