namespace DecisionLedger.Replay;

/// <summary>What one replay run found, decision by decision, with its parameters.</summary>
/// <param name="Parameters">The run's parameters (selection, scorer, tolerances, mappings) as the replay event records them.</param>
/// <param name="Results">One result per selected decision, ascending by seq.</param>
public sealed record ReplayReport(IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<ReplayResult> Results)
{
    /// <summary>Decisions that matched.</summary>
    public int Matched => Results.Count(r => r.Outcome == ReplayOutcome.Matched);

    /// <summary>Decisions that differed.</summary>
    public int Differed => Results.Count(r => r.Outcome == ReplayOutcome.Differed);

    /// <summary>Decisions that could not be replayed.</summary>
    public int NotReplayable => Results.Count(r => r.Outcome == ReplayOutcome.NotReplayable);

    /// <summary>The seq of the <c>replay</c> event that recorded this run; null when it was not recorded.</summary>
    public long? EventSeq { get; init; }

    /// <summary>The run as a <c>replay</c> event body: its parameters, the three counts and the seqs that differed.</summary>
    /// <returns>The event body.</returns>
    public ReplayEvent ToEvent() => new(
        Parameters,
        Matched,
        Differed,
        NotReplayable,
        [.. Results.Where(r => r.Outcome == ReplayOutcome.Differed).Select(r => r.Seq).Order()]);
}
