using Microsoft.ML.Data;

namespace FraudDetection.Scoring;

/// <summary>The model's output row: label, raw score, calibrated probability and per-slot contributions.</summary>
internal sealed class FraudPrediction
{
    /// <summary>True when the model calls it fraud (probability ≥ 0.5).</summary>
    [ColumnName("PredictedLabel")]
    public bool IsFraud { get; set; }

    /// <summary>The ensemble's raw score (the units of the contributions).</summary>
    public float Score { get; set; }

    /// <summary>The Platt-calibrated fraud probability.</summary>
    public float Probability { get; set; }

    /// <summary>One contribution per slot of the <c>Features</c> vector.</summary>
    public float[] FeatureContributions { get; set; } = [];
}
