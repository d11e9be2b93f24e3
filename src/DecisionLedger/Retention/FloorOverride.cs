namespace DecisionLedger.Retention;

/// <summary>The explicit, logged permission to keep archived data for less than the legal floor.</summary>
/// <param name="Reason">Why the floor does not apply, e.g. "not a high-risk AI system".</param>
/// <param name="By">Who decided.</param>
public sealed record FloorOverride(string Reason, string By);
