namespace DecisionLedger.AspNetCore.Tests;

/// <summary>The response of the test prediction endpoint.</summary>
public sealed record FraudScore(double Score, bool Approved);
