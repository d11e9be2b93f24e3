namespace DecisionLedger.Reporting;

/// <summary>What a subject report could prove about its own completeness (entry format 2 ledgers only).</summary>
public enum SubjectCompletenessOutcome
{
    /// <summary>The completeness proof was built and checked: every v2 decision about the subject is listed.</summary>
    Proven,

    /// <summary>
    /// The proof could not be built or did not check against the ledger's own entries: an entry of the
    /// subject's chain is missing or re-pointed, or a heads entry disagrees with the entries (run <c>dledger verify</c>).
    /// </summary>
    Failed,

    /// <summary>The ledger holds no ref for the subject: no decision about it was recorded since the switch to entry format 2 (or it was erased).</summary>
    SubjectUnknown,

    /// <summary>The report's checkpoint was signed before the ledger switched to entry format 2, so no heads entry lies under it.</summary>
    CheckpointBeforeSwitch,
}
