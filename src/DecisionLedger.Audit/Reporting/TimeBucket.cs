namespace DecisionLedger.Reporting;

/// <summary>The width of the "over time" buckets of a usage report; buckets start on UTC boundaries.</summary>
public enum TimeBucket
{
    /// <summary>One bucket per UTC day (the default).</summary>
    Day,

    /// <summary>One bucket per UTC hour.</summary>
    Hour,
}
