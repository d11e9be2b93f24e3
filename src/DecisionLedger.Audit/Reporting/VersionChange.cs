namespace DecisionLedger.Reporting;

/// <summary>A change point: the first decision of a model made by a different version than the decision before it.</summary>
/// <param name="At">The timestamp of the first decision by the new version.</param>
/// <param name="Seq">That decision's entry.</param>
/// <param name="FromVersion">The version before.</param>
/// <param name="ToVersion">The version after.</param>
public sealed record VersionChange(DateTimeOffset At, long Seq, string FromVersion, string ToVersion);
