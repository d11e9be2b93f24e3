using DecisionLedger.Decisions;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// Lets a captured endpoint add what only it knows to the decision being recorded. Inject it
/// (it is scoped to the request); everything is optional, and an endpoint that ignores it is
/// recorded all the same.
/// </summary>
public interface IDecisionContext
{
    /// <summary>Why the model decided as it did; recorded as the entry's explanation. Default null.</summary>
    Explanation? Explanation { get; set; }

    /// <summary>The feature pipeline version; overrides <see cref="DecisionCaptureOptions.PipelineVersion"/>. Default null.</summary>
    string? PipelineVersion { get; set; }

    /// <summary>The model artifact digest, e.g. <c>sha256:…</c>; overrides <see cref="DecisionCaptureOptions.ArtifactDigest"/>. Default null.</summary>
    string? ArtifactDigest { get; set; }

    /// <summary>The data subject's id (the erasure key); wins over <see cref="DecisionCaptureOptions.SubjectSelector"/>. Default null.</summary>
    string? Subject { get; set; }

    /// <summary>Extra metadata merged into the entry's metadata (values serialized with the app's JSON options).</summary>
    IDictionary<string, object?> Metadata { get; }
}
