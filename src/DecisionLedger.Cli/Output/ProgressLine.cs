namespace DecisionLedger.Cli.Output;

/// <summary>One point of progress worth a plain line.</summary>
/// <param name="Done">Units done so far.</param>
/// <param name="Total">Units in all; always positive here.</param>
/// <param name="Elapsed">Time since the run started.</param>
internal readonly record struct ProgressLine(long Done, long Total, TimeSpan Elapsed)
{
    /// <summary>The share done, in percent.</summary>
    public double Percent => 100.0 * Done / Total;
}
