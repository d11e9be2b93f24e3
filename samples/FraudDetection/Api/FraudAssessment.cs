namespace FraudDetection.Api;

/// <summary>The answer of <c>POST /predict</c>.</summary>
/// <param name="Fraud">The model's verdict.</param>
/// <param name="Probability">Calibrated fraud probability, 0–1.</param>
/// <param name="Score">The ensemble's raw score.</param>
internal sealed record FraudAssessment(bool Fraud, double Probability, double Score);
