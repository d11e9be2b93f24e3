namespace DecisionLedger.Storage;

/// <summary>
/// The port every ledger store implements (SQLite embedded, PostgreSQL production): the composite
/// of the narrow ports <see cref="ILedgerLog"/> (entries, tiles, checkpoints), <see cref="IInputStore"/>,
/// <see cref="ISubjectKeyStore"/> and <see cref="IDecisionIndex"/>. A store is append-only: entries,
/// tiles and checkpoints are never updated or deleted; only stored inputs and subject keys may be
/// deleted, by erasure. One store contract test suite runs against every implementation.
/// </summary>
public interface ILedgerStore : ILedgerLog, IInputStore, ISubjectKeyStore, IDecisionIndex;
