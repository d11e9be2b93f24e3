namespace DecisionLedger.Reporting;

/// <summary>One of the main factors of a decision: a feature and its signed attribution.</summary>
/// <param name="Feature">The feature's name as the explanation gives it.</param>
/// <param name="Attribution">Its contribution to the output: positive pushed the output up, negative down.</param>
public sealed record ReportedFactor(string Feature, double Attribution);
