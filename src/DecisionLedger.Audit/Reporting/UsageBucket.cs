namespace DecisionLedger.Reporting;

/// <summary>Decisions one model version made in one time bucket.</summary>
/// <param name="BucketStart">The bucket's start (UTC, on an hour or day boundary).</param>
/// <param name="Version">The model version.</param>
/// <param name="Count">Decisions in the bucket.</param>
public sealed record UsageBucket(DateTimeOffset BucketStart, string Version, long Count);
