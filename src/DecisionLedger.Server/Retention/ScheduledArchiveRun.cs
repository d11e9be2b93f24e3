namespace DecisionLedger.Server.Retention;

/// <summary>One scheduled retention run of the collector.</summary>
/// <param name="Started">When it started.</param>
/// <param name="Finished">When it ended.</param>
/// <param name="Files">Archive files written.</param>
/// <param name="Decisions">Decisions that left the live store (interrupted runs it completed included).</param>
/// <param name="InputsDeleted">Stored inputs deleted because their retention passed.</param>
/// <param name="Error">Why it failed, or null.</param>
internal sealed record ScheduledArchiveRun(DateTimeOffset Started, DateTimeOffset Finished, int Files, long Decisions, int InputsDeleted, string? Error);
