namespace DecisionLedger.Reporting;

/// <summary>How much one model version served in a usage report.</summary>
/// <param name="Version">The model version.</param>
/// <param name="Count">Decisions it made.</param>
/// <param name="First">Its earliest decision timestamp.</param>
/// <param name="Last">Its latest decision timestamp.</param>
public sealed record VersionUsage(string Version, long Count, DateTimeOffset First, DateTimeOffset Last);
