namespace DecisionLedger.AspNetCore.Tests;

/// <summary>The request body of the test prediction endpoint.</summary>
public sealed record FraudRequest(string CustomerId, double Amount, string Merchant);
