namespace DecisionLedger.Drift;

/// <summary>One path in one window, against the baseline.</summary>
/// <param name="Path">The path.</param>
/// <param name="Values">Window decisions with a usable value at the path.</param>
/// <param name="Missing">Window decisions without one (absent, null, an unreadable input, or a text at a numeric path).</param>
/// <param name="Psi">The population stability index, or null when either side has no value.</param>
/// <param name="Ks">The two-sample Kolmogorov–Smirnov statistic, or null when either side has no value.</param>
/// <param name="Counts">Window values per baseline bin.</param>
public sealed record DriftPathResult(string Path, long Values, long Missing, double? Psi, double? Ks, IReadOnlyList<long> Counts);
