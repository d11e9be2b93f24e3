namespace DecisionLedger.Decisions;

/// <summary>Why a model decided as it did: per-feature attributions around a base value.</summary>
public sealed record Explanation
{
    /// <summary>How the attributions were computed, e.g. <c>feature-contribution</c> or <c>shap</c>.</summary>
    public string? Method { get; init; }

    /// <summary>The model's expected output before any feature is considered.</summary>
    public double? BaseValue { get; init; }

    /// <summary>Each feature's contribution to the output, by feature name.</summary>
    public IReadOnlyDictionary<string, double>? Attributions { get; init; }
}
