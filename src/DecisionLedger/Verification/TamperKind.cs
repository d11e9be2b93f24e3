namespace DecisionLedger.Verification;

/// <summary>The kind of tampering (or damage) verification found at the first bad <c>seq</c>.</summary>
public enum TamperKind
{
    /// <summary>An entry's content no longer hashes to its leaf: its stored leaf hash, its level-0 tile hash or a signed root disagree with it.</summary>
    ContentChanged,

    /// <summary>An entry is missing: the <c>seq</c> of the entry at a position is ahead of the position and the missing <c>seq</c> never appears.</summary>
    EntryDeleted,

    /// <summary>An extra entry is present: its <c>seq</c> repeats an earlier one, or it pushes the following entries one position down.</summary>
    EntryInserted,

    /// <summary>Entries are out of order: two entries' <c>seq</c> values are swapped.</summary>
    EntriesReordered,

    /// <summary>A signed checkpoint covers more entries than are present: the tail was cut off.</summary>
    TailTruncated,

    /// <summary>A checkpoint's signature is invalid, by another key, for another origin, or the stored checkpoint disagrees with its signed note.</summary>
    CheckpointForged,

    /// <summary>Two validly signed checkpoints cannot both describe this ledger: same size with different roots, or a later root that does not extend an earlier one.</summary>
    CheckpointInconsistent,

    /// <summary>A checkpoint stored after another covers fewer entries: the ledger's head moved backwards.</summary>
    CheckpointRolledBack,

    /// <summary>Two entries carry the same <c>requestId</c>.</summary>
    DuplicateRequestId,

    /// <summary>A stored input does not hash, with its salt, to its entry's <c>inputDigest</c>.</summary>
    InputAltered,

    /// <summary>An entry's bytes are not valid JSON, lack a required field, or are not in RFC 8785 canonical form.</summary>
    MalformedEntry,

    /// <summary>A column the store copied out of an entry for queries (request id, time, model, version, user, tenant, subject, kind) differs from the entry itself.</summary>
    IndexMismatch,

    /// <summary>A decision's stored input is missing and no erasure event covers it.</summary>
    InputMissing,

    /// <summary>An evidence bundle's manifest disagrees with its contents: root, entry count, or an entry outside the stated filters.</summary>
    ManifestMismatch,

    /// <summary>The ledger holds fewer entries than a checkpoint the auditor kept from an earlier look (<c>verify --trusted</c>): it was cut back, newer checkpoints included.</summary>
    LedgerRolledBack,

    /// <summary>
    /// An entry no signed checkpoint covers appeared after the last recorder closed the ledger
    /// cleanly (its final checkpoint covered every entry then): no recorder wrote it. After a crash an
    /// uncovered tail is normal and only noted (<see cref="VerificationReport.UncoveredTail"/>).
    /// </summary>
    EntryUncovered,

    /// <summary>The store itself cannot be read back as a ledger (a corrupt database page, a row that is not what it must be): damage or tampering outside DecisionLedger, its first bad entry unknown.</summary>
    StoreDamaged,

    /// <summary>
    /// A v2 decision entry's <c>prev</c> link does not name the previous v2 decision of its model or
    /// subject: a chain entry was re-pointed, skipped or forged, so a completeness proof over the chain would lie.
    /// </summary>
    ChainBroken,

    /// <summary>A <c>heads</c> entry's root or key count is not the heads map recomputed from every v2 decision before it: a forged or stale head.</summary>
    HeadsMismatch,

    /// <summary>A checkpoint signed after the switch to v2 covers a tree whose last entry is not a <c>heads</c> entry, so no head commits to its chains.</summary>
    HeadsMissing,

    /// <summary>The leaf format versions are out of order: a v1 entry after the <c>format</c> event, a v2 entry before it, or a second <c>format</c> event.</summary>
    VersionMismatch,

    /// <summary>
    /// An archive file the ledger's <c>archived</c> event lists (or its signed manifest) is absent from
    /// the destination. <c>seq</c> is the file's first seq; the detail names the file.
    /// </summary>
    ArchiveMissing,

    /// <summary>
    /// An archive file differs from what the ledger commits to: its SHA-256 or row count is not the
    /// <c>archived</c> event's (or the newest <c>archive-rewrite</c> event's), it is not a readable archive
    /// file, its signed manifest states another file, digest or row count, its rows do not give the
    /// manifest's <c>leavesRoot</c>, or an <c>archive-rewrite</c> event does not follow the file's history.
    /// Reported only when no row of the file is found bad more precisely.
    /// </summary>
    ArchiveMismatch,

    /// <summary>An archive file is stored in a destination of the ledger, but no <c>archived</c> event lists it.</summary>
    ArchiveUnlisted,

    /// <summary>An archive file's manifest is not signed by the ledger's key (forged, edited, or signed by another key).</summary>
    ArchiveManifestForged,
}
