using DecisionLedger.Decisions;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>The per-request <see cref="IDecisionContext"/>.</summary>
internal sealed class DecisionContext : IDecisionContext
{
    public Explanation? Explanation { get; set; }

    public string? PipelineVersion { get; set; }

    public string? ArtifactDigest { get; set; }

    public string? Subject { get; set; }

    public IDictionary<string, object?> Metadata { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);
}
