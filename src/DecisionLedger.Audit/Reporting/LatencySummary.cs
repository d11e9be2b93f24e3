namespace DecisionLedger.Reporting;

/// <summary>
/// The latency of the decisions that recorded one, in milliseconds. Count, mean and max are exact;
/// the percentiles (nearest rank) are within 1% relative error (<see cref="LatencyHistogram"/>).
/// </summary>
/// <param name="Count">Decisions with a recorded latency.</param>
/// <param name="Mean">Exact mean.</param>
/// <param name="P50">Median, within 1%.</param>
/// <param name="P95">95th percentile, within 1%.</param>
/// <param name="P99">99th percentile, within 1%.</param>
/// <param name="Max">Exact maximum.</param>
public sealed record LatencySummary(long Count, double Mean, double P50, double P95, double P99, double Max);
