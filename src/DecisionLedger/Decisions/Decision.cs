using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>
/// One model decision as a caller submits it: the wire format of shared/DESIGN.md
/// ("The decision record"). Free-form parts (<see cref="Input"/>, <see cref="Output"/>,
/// <see cref="Metadata"/>, <see cref="ModelInfo.Parameters"/>) are JSON objects kept as
/// <see cref="JsonElement"/> so they are canonicalized exactly as received.
/// </summary>
public sealed record Decision
{
    /// <summary>Caller-chosen id, unique per ledger; a UUIDv7 is assigned when absent.</summary>
    public string? RequestId { get; init; }

    /// <summary>When the decision was made (UTC); the recorder's clock is used when absent.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Which model made the decision. Required.</summary>
    public required ModelInfo Model { get; init; }

    /// <summary>What went into the model: a JSON object. Required.</summary>
    public required JsonElement Input { get; init; }

    /// <summary>What came out of the model: a JSON object. Required.</summary>
    public required JsonElement Output { get; init; }

    /// <summary>Why the model decided as it did (feature attributions), if known.</summary>
    public Explanation? Explanation { get; init; }

    /// <summary>Who requested the decision.</summary>
    public Actor? Actor { get; init; }

    /// <summary>Whom the decision is about; its id is the erasure key.</summary>
    public DecisionSubject? Subject { get; init; }

    /// <summary>How long the prediction took, in milliseconds.</summary>
    public double? LatencyMs { get; init; }

    /// <summary>Free-form context: endpoint, client IP, W3C traceparent … (a JSON object).</summary>
    public JsonElement? Metadata { get; init; }
}
