namespace DecisionLedger.Reporting;

/// <summary>One user's line in the data-access report.</summary>
/// <param name="User">The user: <c>actor.userId</c> of decisions, or the API key name of reads.</param>
/// <param name="Decisions">Decisions the user requested.</param>
/// <param name="Subjects">Distinct data subjects those decisions were about.</param>
/// <param name="Models">The models that made them, in ordinal order.</param>
/// <param name="First">The earliest of the user's decisions and reads, or null.</param>
/// <param name="Last">The latest of the user's decisions and reads, or null.</param>
/// <param name="Viewed">Decisions the user read through the API, per the access log (one per entry returned).</param>
public sealed record DataAccessUser(string User, long Decisions, long Subjects, IReadOnlyList<string> Models, DateTimeOffset? First, DateTimeOffset? Last, long Viewed);
