using DecisionLedger.Completeness;
using DecisionLedger.Hashing;
using DecisionLedger.Ledger;

namespace DecisionLedger.Verification;

/// <summary>The outcome of verifying a ledger or an evidence bundle.</summary>
/// <param name="Passed">True when nothing was found.</param>
/// <param name="EntriesVerified">Entries whose leaf was recomputed and checked.</param>
/// <param name="CheckpointsVerified">Checkpoints whose signature and root were checked.</param>
/// <param name="InputsVerified">Stored inputs checked against their entry's <c>inputDigest</c>.</param>
/// <param name="TreeSize">The number of entries in the verified tree.</param>
/// <param name="Root">The recomputed root at <paramref name="TreeSize"/>, or null when verification stopped before it.</param>
/// <param name="FirstFinding">The first problem found, or null when <paramref name="Passed"/>.</param>
/// <param name="Elapsed">How long verification took.</param>
public sealed record VerificationReport(
    bool Passed,
    long EntriesVerified,
    long CheckpointsVerified,
    long InputsVerified,
    long TreeSize,
    Sha256Hash? Root,
    TamperFinding? FirstFinding,
    TimeSpan Elapsed)
{
    /// <summary>Stored inputs not checked because they are encrypted and no master key was given (or their subject key is gone).</summary>
    public long InputsNotChecked { get; init; }

    /// <summary>For a bundle: decisions whose input is not in the bundle (erased or encrypted when exported), as its manifest declares.</summary>
    public long InputsWithheld { get; init; }

    /// <summary>
    /// Entries beyond the newest signed checkpoint, when the ledger has any; null when every entry is
    /// covered. Left by a crash or a running recorder it is a note, not a finding; after a clean
    /// close (<see cref="UncoveredTail.AfterCleanClose"/>) it is the finding <see cref="TamperKind.EntryUncovered"/>.
    /// </summary>
    public UncoveredTail? UncoveredTail { get; init; }

    /// <summary>
    /// For a bundle that carries a completeness proof (entry format 2): what it proved — every entry of
    /// the subject's or model's chain between its bounds is in the bundle. Null otherwise.
    /// </summary>
    public CompletenessResult? Completeness { get; init; }

    /// <summary>
    /// The decisions whose archive files the retention policy deleted (<c>archive-expiry</c> events):
    /// not findings, their leaves still verified from the tiles. Null when no archive file expired.
    /// </summary>
    public ExpiredArchives? Expired { get; init; }
}
