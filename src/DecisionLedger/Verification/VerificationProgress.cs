namespace DecisionLedger.Verification;

/// <summary>How far a verification has come.</summary>
/// <param name="Done">Entries verified so far.</param>
/// <param name="Total">Entries to verify in all.</param>
public readonly record struct VerificationProgress(long Done, long Total);
