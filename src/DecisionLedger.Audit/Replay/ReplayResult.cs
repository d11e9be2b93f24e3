namespace DecisionLedger.Replay;

/// <summary>One replayed decision.</summary>
/// <param name="Seq">The decision entry's seq.</param>
/// <param name="RequestId">Its request id.</param>
/// <param name="ModelName">Its <c>model.name</c>.</param>
/// <param name="ModelVersion">Its <c>model.version</c>.</param>
/// <param name="Outcome">Matched, differed or not replayable.</param>
/// <param name="Differences">Field by field, where the outputs differ; empty unless <see cref="ReplayOutcome.Differed"/>.</param>
/// <param name="Reason">Why it is not replayable (one of <see cref="ReplayReasons"/>); null otherwise.</param>
/// <param name="Detail">The reason's sentence, or a warning about the scoring; null when nothing to say.</param>
public sealed record ReplayResult(
    long Seq,
    string RequestId,
    string ModelName,
    string ModelVersion,
    ReplayOutcome Outcome,
    IReadOnlyList<ReplayDifference> Differences,
    string? Reason = null,
    string? Detail = null);
