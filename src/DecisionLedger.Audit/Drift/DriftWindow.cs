namespace DecisionLedger.Drift;

/// <summary>One window of decisions compared with the baseline.</summary>
/// <param name="Start">Start, inclusive.</param>
/// <param name="End">End, exclusive.</param>
/// <param name="Decisions">The model's decisions in the window.</param>
/// <param name="Paths">Each path's figures, in the spec's order.</param>
/// <param name="WorstPath">The path with the highest PSI, or null when no path has one.</param>
/// <param name="Flagged">True when the alert rule flags the window (some PSI over the threshold, enough decisions).</param>
public sealed record DriftWindow(DateTimeOffset Start, DateTimeOffset End, long Decisions, IReadOnlyList<DriftPathResult> Paths, string? WorstPath, bool Flagged)
{
    /// <summary>The highest PSI of the window, or null.</summary>
    public double? MaxPsi => Paths.Max(p => p.Psi);

    /// <summary>The paths whose PSI is over <paramref name="threshold"/>.</summary>
    /// <param name="threshold">The PSI threshold.</param>
    public IEnumerable<DriftPathResult> Over(double threshold) => Paths.Where(p => p.Psi > threshold);
}
