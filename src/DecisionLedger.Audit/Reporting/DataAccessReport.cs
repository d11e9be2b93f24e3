namespace DecisionLedger.Reporting;

/// <summary>Per user: the decisions they requested, the subjects those touched, and how many decisions they read.</summary>
/// <param name="Checkpoint">The checkpoint; only entries with <c>seq</c> below its tree size are counted (reads come from the access log, which is not part of the tree).</param>
/// <param name="Filters">The users and times covered.</param>
/// <param name="Users">One line per user, in ordinal order of the name.</param>
public sealed record DataAccessReport(ReportCheckpoint Checkpoint, DataAccessFilters Filters, IReadOnlyList<DataAccessUser> Users);
