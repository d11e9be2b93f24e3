using System.Text.Json;

namespace DecisionLedger.Replay;

/// <summary>One recorded decision as a scorer sees it: which model made it and the input it was given.</summary>
/// <param name="Seq">The decision entry's seq.</param>
/// <param name="ModelName">The entry's <c>model.name</c>.</param>
/// <param name="ModelVersion">The entry's <c>model.version</c>.</param>
/// <param name="ArtifactDigest">The entry's <c>model.artifactDigest</c> (e.g. <c>sha256:…</c>), or null when the decision carries none.</param>
/// <param name="Input">The stored input (as redaction left it).</param>
public sealed record ReplayInput(long Seq, string ModelName, string ModelVersion, string? ArtifactDigest, JsonElement Input);
