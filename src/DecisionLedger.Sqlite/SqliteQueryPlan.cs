namespace DecisionLedger.Sqlite;

/// <summary>How <see cref="SqliteLedgerStore.QueryAsync"/> runs a filter, chosen by <see cref="QueryDriverSql.Choose"/>.</summary>
/// <param name="Driver">
/// A condition selecting a superset of the matches by seq from a narrow index range
/// (<c>seq IN (SELECT seq …)</c>), or null for the planner's own plan.
/// </param>
/// <param name="WindowStart">
/// For a dense time range: the lowest seq of the newest window to walk in seq order first, ignoring
/// the time index; the page is completed below it through <see cref="Driver"/>. Null otherwise.
/// </param>
/// <param name="WalkIndex">
/// The quoted name of a where-path index to walk newest first; <see cref="Driver"/> is then its
/// equality condition, spelled as the index spells it. Null otherwise.
/// </param>
internal sealed record SqliteQueryPlan(string? Driver, long? WindowStart, string? WalkIndex = null);
