namespace DecisionLedger.Drift;

/// <summary>One path's baseline: its kind, its bins and how many baseline values fell in each.</summary>
/// <param name="Path">The path.</param>
/// <param name="Kind">Numeric, categorical, or no baseline.</param>
/// <param name="Bins">The bins' labels, in order (for a categorical path the kept values ordinally, then <c>(other)</c>).</param>
/// <param name="Counts">Baseline values per bin.</param>
/// <param name="Cuts">A numeric path's cut points (bin i is [cut(i−1), cut(i)) with the outer bins open); empty otherwise.</param>
/// <param name="Values">Baseline decisions with a usable value at the path.</param>
/// <param name="Missing">Baseline decisions without one (absent, null, or an input not readable).</param>
public sealed record DriftBaselinePath(string Path, DriftPathKind Kind, IReadOnlyList<string> Bins, IReadOnlyList<long> Counts, IReadOnlyList<double> Cuts, long Values, long Missing);
