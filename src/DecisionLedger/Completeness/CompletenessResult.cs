namespace DecisionLedger.Completeness;

/// <summary>What a verified completeness proof established.</summary>
/// <param name="Key">The chain's heads-map key.</param>
/// <param name="Found">How many chain entries the bundle holds between the bounds (all of them, when verified).</param>
/// <param name="Expected">How many the heads map says there are between the bounds.</param>
/// <param name="LowerHeadsSeq">The seq of the lower heads entry, or null when the proof covers the chain from its start.</param>
/// <param name="UpperHeadsSeq">The seq of the upper heads entry (the checkpoint's last entry).</param>
/// <param name="From">The lower heads entry's timestamp (when the window starts, in sequencing time), or null.</param>
/// <param name="To">The upper heads entry's timestamp.</param>
public sealed record CompletenessResult(string Key, long Found, long Expected, long? LowerHeadsSeq, long UpperHeadsSeq, DateTimeOffset? From, DateTimeOffset To);
