using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>Identifies the model that made a decision, precisely enough to reproduce it.</summary>
public sealed record ModelInfo
{
    /// <summary>The model's name, e.g. <c>fraud_detector</c>. Required, non-empty.</summary>
    public required string Name { get; init; }

    /// <summary>The model's version, e.g. <c>3.2.1</c>. Required, non-empty.</summary>
    public required string Version { get; init; }

    /// <summary>The version of the feature pipeline in front of the model.</summary>
    public string? PipelineVersion { get; init; }

    /// <summary>The digest of the model artifact, e.g. <c>sha256:…</c>.</summary>
    public string? ArtifactDigest { get; init; }

    /// <summary>Hyper-parameters or serving parameters (a JSON object).</summary>
    public JsonElement? Parameters { get; init; }
}
