namespace DecisionLedger.Verification;

/// <summary>Options of <see cref="LedgerVerifier"/>; every default is stated.</summary>
public sealed record VerificationOptions
{
    /// <summary>
    /// Incremental mode: the size of a checkpoint verified earlier. The tree up to it is restored
    /// from the store's tiles and must reproduce that checkpoint's signed root; only later entries
    /// and checkpoints are then verified. Default null: verify everything from <c>seq</c> 0.
    /// </summary>
    public long? FromCheckpoint { get; init; }

    /// <summary>
    /// Whether to also check that each entry's bytes are in RFC 8785 canonical form. Default false:
    /// tamper evidence does not need it (the leaf hash commits to the bytes as stored, so any edit
    /// changes a root), and re-canonicalizing every entry costs more than the rest of verification.
    /// Turn it on (<c>dledger verify --strict</c>) to audit the writer itself.
    /// </summary>
    public bool CheckCanonicalForm { get; init; }

    /// <summary>Whether to check stored inputs against their entries' <c>inputDigest</c>. Default true.</summary>
    public bool CheckInputs { get; init; } = true;

    /// <summary>
    /// The master key that opens subject keys, so encrypted stored inputs are decrypted and checked
    /// against their <c>inputDigest</c>. Default null: encrypted inputs are counted in
    /// <see cref="VerificationReport.InputsNotChecked"/> instead of checked, which is not a failure.
    /// </summary>
    public Encryption.MasterKey? MasterKey { get; init; }

    /// <summary>
    /// How many pages of entries are read and hashed at once. Default null: one per core, at least
    /// two (so reading overlaps hashing). Set 1 for a background check that must leave the other
    /// cores to the ledger's writer.
    /// </summary>
    /// <remarks>Whatever the value, the report is the same; only the speed and the cores used differ.</remarks>
    public int? MaxParallelism { get; init; }

    /// <summary>
    /// A signed checkpoint note the auditor kept from an earlier look at the ledger (or from a
    /// witness). Its signature is checked with the ledger's key; the entries must then reproduce its
    /// root at its size, and a ledger holding fewer entries than it covers is reported as
    /// <see cref="TamperKind.LedgerRolledBack"/>. Default null: only the stored checkpoints are used,
    /// so a rollback that also deleted the newer checkpoints is not visible.
    /// </summary>
    public string? TrustedCheckpoint { get; init; }

    /// <summary>
    /// Opens an archive destination from the description its <c>archived</c> event records
    /// (<c>dir:/abs/path</c>, <c>s3://bucket/prefix</c>), so entries archived there are read back and
    /// verified with the live ones. Default null: directories are opened; any other destination fails.
    /// </summary>
    public Func<string, Archiving.IArchiveDestination>? OpenArchiveDestination { get; init; }

    /// <summary>The clock that measures <see cref="VerificationReport.Elapsed"/>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
