namespace DecisionLedger.Reporting;

/// <summary>Which users and times a data-access report covers.</summary>
/// <param name="User">Only this user, or null for all.</param>
/// <param name="From">Inclusive lower bound on decision and read times, or null.</param>
/// <param name="To">Exclusive upper bound on decision and read times, or null.</param>
public sealed record DataAccessFilters(string? User, DateTimeOffset? From, DateTimeOffset? To);
