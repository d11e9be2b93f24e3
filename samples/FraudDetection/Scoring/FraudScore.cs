using DecisionLedger.Decisions;

namespace FraudDetection.Scoring;

/// <summary>One scored transaction and why.</summary>
/// <param name="IsFraud">The model's verdict.</param>
/// <param name="Probability">Calibrated fraud probability.</param>
/// <param name="Score">Raw score.</param>
/// <param name="Explanation">Feature contributions by feature name.</param>
internal sealed record FraudScore(bool IsFraud, double Probability, double Score, Explanation Explanation);
