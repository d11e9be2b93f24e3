using DecisionLedger.Archiving;
using DecisionLedger.Hashing;
using DecisionLedger.Replay;

namespace DecisionLedger.Entries;

/// <summary>
/// Something that happened to the ledger itself (not a model decision) and is recorded in it as
/// an entry of its own: an erasure, the switch to a new leaf format (<c>format</c>), or the
/// chain-heads commitment before a checkpoint (<c>heads</c>). Event entries carry a <c>kind</c>
/// member; decision entries have none.
/// </summary>
public sealed record LedgerEvent
{
    /// <summary>The kind of an erasure event.</summary>
    public const string ErasureKind = "erasure";

    /// <summary>The kind of the event that switches a ledger to leaf format v2; the first v2 entry of a ledger.</summary>
    public const string FormatKind = "format";

    /// <summary>The kind of the event that commits to the heads map (every chain's last seq and count) before a checkpoint is signed.</summary>
    public const string HeadsKind = "heads";

    /// <summary>The kind of the event that commits to the archive files a run wrote, before the live store drops their bodies.</summary>
    public const string ArchivedKind = "archived";

    /// <summary>The kind of the event that commits to the new digests of archive files an erasure rewrote without the subject's inputs.</summary>
    public const string ArchiveRewriteKind = "archive-rewrite";

    /// <summary>The kind of the event that records one run of <c>dledger import</c>: its format, source and counts.</summary>
    public const string ImportKind = "import";

    /// <summary>The kind of the event that records a replay run: its parameters and what it found.</summary>
    public const string ReplayKind = "replay";

    /// <summary>The kind of the event that records stored inputs deleted because their retention (<c>inputs</c>) passed.</summary>
    public const string InputRetentionKind = "input-retention";

    /// <summary>The kind of the event that records archive files deleted because their retention (<c>keep</c>) passed.</summary>
    public const string ArchiveExpiryKind = "archive-expiry";

    private LedgerEvent(string kind, int version)
    {
        Kind = kind;
        Version = version;
    }

    /// <summary>The event's kind: <see cref="ErasureKind"/>, <see cref="FormatKind"/> or <see cref="HeadsKind"/>.</summary>
    public string Kind { get; }

    /// <summary>The leaf format version the event is written in: 1 for a v1 erasure, 2 for everything else.</summary>
    public int Version { get; }

    /// <summary>The erasure's details, for an <see cref="ErasureKind"/> event; null otherwise.</summary>
    public ErasureEvent? Erasure { get; private init; }

    /// <summary>The heads-map root, for a <see cref="HeadsKind"/> event; null otherwise.</summary>
    public Sha256Hash? HeadsRoot { get; private init; }

    /// <summary>The number of keys in the heads map, for a <see cref="HeadsKind"/> event; null otherwise.</summary>
    public long? HeadsKeys { get; private init; }

    /// <summary>The leaf format version switched to, for a <see cref="FormatKind"/> event; null otherwise.</summary>
    public int? FormatVersion { get; private init; }

    /// <summary>The archive run's files and range, for an <see cref="ArchivedKind"/> event; null otherwise.</summary>
    public ArchivedEvent? Archived { get; private init; }

    /// <summary>The rewritten archive files, for an <see cref="ArchiveRewriteKind"/> event; null otherwise.</summary>
    public ArchiveRewriteEvent? ArchiveRewrite { get; private init; }

    /// <summary>The import run's format, source and counts, for an <see cref="ImportKind"/> event; null otherwise.</summary>
    public Importing.ImportEvent? Import { get; private init; }

    /// <summary>The replay run's parameters and summary, for a <see cref="ReplayKind"/> event; null otherwise.</summary>
    public ReplayEvent? Replay { get; private init; }

    /// <summary>The cutoffs and count of a retention input deletion, for an <see cref="InputRetentionKind"/> event; null otherwise.</summary>
    public Retention.InputRetentionEvent? InputRetention { get; private init; }

    /// <summary>The cutoffs and files of a retention archive expiry, for an <see cref="ArchiveExpiryKind"/> event; null otherwise.</summary>
    public Retention.ArchiveExpiryEvent? ArchiveExpiry { get; private init; }

    /// <summary>The value of the store's subject column for this event: the erased subject's id (v1) or ref (v2); null for other kinds.</summary>
    internal string? SubjectColumn => Erasure is { } erasure ? erasure.SubjectRef ?? erasure.SubjectId : null;

    /// <summary>Creates an erasure event: v1 when <see cref="ErasureEvent.SubjectRef"/> is null, v2 when it is set.</summary>
    /// <param name="erasure">The erasure's details.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">A field is empty, the count is negative, the ref is malformed, or a v2 erasure also names the clear id; the message names the field.</exception>
    public static LedgerEvent ForErasure(ErasureEvent erasure)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        if (erasure.SubjectRef is { } subjectRef)
        {
            if (!SubjectRefText.IsValid(subjectRef))
            {
                throw new ArgumentException($"event.subjectRef: \"{subjectRef}\" is not a subject ref; {SubjectRefText.Expected}.");
            }

            if (!string.IsNullOrEmpty(erasure.SubjectId))
            {
                throw new ArgumentException("event.subjectId: must be empty when subjectRef is set; a v2 erasure names the subject by its ref only, never by the clear id.");
            }
        }
        else
        {
            Require(erasure.SubjectId, "subjectId", "the data subject's id");
        }

        Require(erasure.Reason, "reason", "why the inputs are erased, e.g. 'GDPR Art. 17 request'");
        Require(erasure.RequestedBy, "requestedBy", "who asked for the erasure");
        if (erasure.DecisionsErased < 0)
        {
            throw new ArgumentException($"event.decisionsErased: {erasure.DecisionsErased} is negative; pass the number of decisions whose inputs were deleted (0 or more).");
        }

        int version = erasure.SubjectRef is null ? LedgerEntry.CurrentVersion : LedgerEntry.Version2;
        return new LedgerEvent(ErasureKind, version) { Erasure = erasure };
    }

    /// <summary>Creates the heads event: the heads-map root and key count over every v2 decision entry before it.</summary>
    /// <param name="root">The heads-map root (32 zero bytes for an empty map).</param>
    /// <param name="keys">The number of keys in the map; 0 or more.</param>
    /// <returns>The event (always v2).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keys"/> is negative.</exception>
    public static LedgerEvent ForHeads(Sha256Hash root, long keys)
    {
        if (keys < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(keys), keys, "event.keys: the number of keys in the heads map is 0 or more.");
        }

        return new LedgerEvent(HeadsKind, LedgerEntry.Version2) { HeadsRoot = root, HeadsKeys = keys };
    }

    /// <summary>Creates the format event that switches the ledger to leaf format <paramref name="version"/> from its own seq on.</summary>
    /// <param name="version">The version switched to; only <see cref="LedgerEntry.Version2"/> exists.</param>
    /// <returns>The event (written in the version it switches to).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 2.</exception>
    public static LedgerEvent ForFormat(int version)
    {
        if (version != LedgerEntry.Version2)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"event.version: {version} is not a format a ledger can switch to; the only one is {LedgerEntry.Version2}.");
        }

        return new LedgerEvent(FormatKind, version) { FormatVersion = version };
    }

    /// <summary>Creates the <c>archived</c> event of one archive run, written in the ledger's entry format.</summary>
    /// <param name="archived">The files and range.</param>
    /// <param name="version">The ledger's entry format: 1 or 2 (the recorder's <c>EntryFormat</c>).</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">A field of <paramref name="archived"/> is empty, negative or inconsistent; the message names the field.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 1 or 2.</exception>
    public static LedgerEvent ForArchived(ArchivedEvent archived, int version)
    {
        ArgumentNullException.ThrowIfNull(archived);
        if (version is not (LedgerEntry.CurrentVersion or LedgerEntry.Version2))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"v: {version} is not an entry format (1 or 2).");
        }

        archived.Validate();
        return new LedgerEvent(ArchivedKind, version) { Archived = archived };
    }

    /// <summary>Creates the <c>archive-rewrite</c> event that follows an erasure whose subject had inputs in archive files.</summary>
    /// <param name="rewrite">The destination, the erasure's seq and the rewritten files.</param>
    /// <param name="version">The ledger's entry format: 1 or 2.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">No files, an empty path or destination, or a digest that is not 64 lowercase hex digits; the message names the field.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 1 or 2.</exception>
    public static LedgerEvent ForArchiveRewrite(ArchiveRewriteEvent rewrite, int version)
    {
        ArgumentNullException.ThrowIfNull(rewrite);
        if (version is not (LedgerEntry.CurrentVersion or LedgerEntry.Version2))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"v: {version} is not an entry format (1 or 2).");
        }

        rewrite.Validate();
        return new LedgerEvent(ArchiveRewriteKind, version) { ArchiveRewrite = rewrite };
    }

    /// <summary>Creates the <c>import</c> event of one import run, written in the ledger's entry format.</summary>
    /// <param name="import">The run's format, source and counts.</param>
    /// <param name="version">The ledger's entry format: 1 or 2.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">A field of <paramref name="import"/> is empty or negative, or the counts do not add up; the message names the field.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 1 or 2.</exception>
    public static LedgerEvent ForImport(Importing.ImportEvent import, int version)
    {
        ArgumentNullException.ThrowIfNull(import);
        if (version is not (LedgerEntry.CurrentVersion or LedgerEntry.Version2))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"v: {version} is not an entry format (1 or 2).");
        }

        import.Validate();
        return new LedgerEvent(ImportKind, version) { Import = import };
    }

    /// <summary>Creates the <c>replay</c> event of one replay run, written in the ledger's entry format.</summary>
    /// <param name="replay">The run's parameters and summary.</param>
    /// <param name="version">The ledger's entry format: 1 or 2.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">A count is negative or the differed seqs do not add up; the message names the field.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 1 or 2.</exception>
    public static LedgerEvent ForReplay(ReplayEvent replay, int version)
    {
        ArgumentNullException.ThrowIfNull(replay);
        if (version is not (LedgerEntry.CurrentVersion or LedgerEntry.Version2))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"v: {version} is not an entry format (1 or 2).");
        }

        replay.Validate();
        return new LedgerEvent(ReplayKind, version) { Replay = replay };
    }

    /// <summary>Creates the <c>input-retention</c> event that records stored inputs deleted by the retention policy.</summary>
    /// <param name="retention">The cutoffs, the last seq considered and the count.</param>
    /// <param name="version">The ledger's entry format: 1 or 2.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">A negative number, a repeated model, or no cutoff that deletes anything; the message names the field.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 1 or 2.</exception>
    public static LedgerEvent ForInputRetention(Retention.InputRetentionEvent retention, int version)
    {
        ArgumentNullException.ThrowIfNull(retention);
        if (version is not (LedgerEntry.CurrentVersion or LedgerEntry.Version2))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"v: {version} is not an entry format (1 or 2).");
        }

        retention.Validate();
        return new LedgerEvent(InputRetentionKind, version) { InputRetention = retention };
    }

    /// <summary>Creates the <c>archive-expiry</c> event that records archive files deleted by the retention policy, before they are deleted.</summary>
    /// <param name="expiry">The cutoffs and the files.</param>
    /// <param name="version">The ledger's entry format: 1 or 2.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">No file, a bad digest or span, a repeated model or file, or no cutoff that expires anything; the message names the field.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 1 or 2.</exception>
    public static LedgerEvent ForArchiveExpiry(Retention.ArchiveExpiryEvent expiry, int version)
    {
        ArgumentNullException.ThrowIfNull(expiry);
        if (version is not (LedgerEntry.CurrentVersion or LedgerEntry.Version2))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"v: {version} is not an entry format (1 or 2).");
        }

        expiry.Validate();
        return new LedgerEvent(ArchiveExpiryKind, version) { ArchiveExpiry = expiry };
    }

    private static void Require(string? value, string field, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"event.{field}: required; a non-empty string: {what}.");
        }
    }
}
