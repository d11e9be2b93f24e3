namespace DecisionLedger.Reporting;

/// <summary>Which decisions a usage report covers: one model, optionally one version and a time range.</summary>
/// <param name="Model">The exact model name.</param>
/// <param name="Version">The exact model version, or null for every version.</param>
/// <param name="From">Inclusive lower bound on the decision timestamp, or null.</param>
/// <param name="To">Exclusive upper bound on the decision timestamp, or null.</param>
public sealed record UsageFilters(string Model, string? Version, DateTimeOffset? From, DateTimeOffset? To);
