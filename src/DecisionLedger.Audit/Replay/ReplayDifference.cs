namespace DecisionLedger.Replay;

/// <summary>One field where the replayed output differs from the recorded one.</summary>
/// <param name="Path">The field, e.g. <c>output.probability</c>.</param>
/// <param name="Recorded">The recorded value as JSON text; null when the recorded output has no such field.</param>
/// <param name="Replayed">The replayed value as JSON text; null when the response has no such field.</param>
/// <param name="Delta">For two numbers, replayed minus recorded; null otherwise.</param>
/// <param name="Tolerance">For two numbers, the tolerance they exceeded; null otherwise.</param>
public sealed record ReplayDifference(string Path, string? Recorded, string? Replayed, double? Delta = null, double? Tolerance = null);
