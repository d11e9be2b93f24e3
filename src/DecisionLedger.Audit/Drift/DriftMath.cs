namespace DecisionLedger.Drift;

/// <summary>
/// The two drift statistics, in the exact forms docs/model-risk.md states so an auditor can recompute
/// them: the population stability index over bins with additive smoothing, and the two-sample
/// Kolmogorov–Smirnov statistic, on raw values for numeric paths and over the bins for categorical ones.
/// </summary>
public static class DriftMath
{
    /// <summary>
    /// The count added to every bin of both distributions before shares are taken (0.5): an empty bin
    /// would make ln(q/p) infinite, and adding the same half count everywhere keeps the index finite,
    /// symmetric and recomputable by hand.
    /// </summary>
    public const double Smoothing = 0.5;

    /// <summary>
    /// The population stability index: with K bins, p_i = (b_i + 0.5) / (N_b + 0.5·K) and
    /// q_i = (c_i + 0.5) / (N_c + 0.5·K), PSI = Σ (q_i − p_i) · ln(q_i / p_i).
    /// </summary>
    /// <param name="baseline">Baseline count per bin.</param>
    /// <param name="current">Current count per bin, same bins in the same order.</param>
    /// <returns>The index, 0 for identical shares; larger is more drift.</returns>
    /// <exception cref="ArgumentException">The two have different lengths, no bins, or a negative count.</exception>
    public static double PopulationStabilityIndex(IReadOnlyList<long> baseline, IReadOnlyList<long> current)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        if (baseline.Count != current.Count || baseline.Count == 0)
        {
            throw new ArgumentException($"current: {current.Count} bins against {baseline.Count} baseline bins; both need the same bins, at least one.", nameof(current));
        }

        double baselineTotal = Total(baseline, nameof(baseline)) + (Smoothing * baseline.Count);
        double currentTotal = Total(current, nameof(current)) + (Smoothing * current.Count);
        double psi = 0;
        for (int i = 0; i < baseline.Count; i++)
        {
            double p = (baseline[i] + Smoothing) / baselineTotal;
            double q = (current[i] + Smoothing) / currentTotal;
            psi += (q - p) * Math.Log(q / p);
        }

        return psi;
    }

    /// <summary>
    /// The two-sample Kolmogorov–Smirnov statistic D = sup_x |F_b(x) − F_c(x)| of the empirical
    /// distribution functions of two samples, exact (evaluated at every distinct value).
    /// </summary>
    /// <param name="sortedBaseline">Baseline values, ascending.</param>
    /// <param name="sortedCurrent">Current values, ascending.</param>
    /// <returns>D in [0, 1].</returns>
    /// <exception cref="ArgumentException">A sample is empty.</exception>
    public static double KolmogorovSmirnov(IReadOnlyList<double> sortedBaseline, IReadOnlyList<double> sortedCurrent)
    {
        ArgumentNullException.ThrowIfNull(sortedBaseline);
        ArgumentNullException.ThrowIfNull(sortedCurrent);
        if (sortedBaseline.Count == 0 || sortedCurrent.Count == 0)
        {
            throw new ArgumentException("sample: both samples need at least one value.", nameof(sortedCurrent));
        }

        int i = 0, j = 0, n = sortedBaseline.Count, m = sortedCurrent.Count;
        double d = 0;
        while (i < n && j < m)
        {
            // Step past every copy of the smaller value in both samples, so ties move both functions at once.
            double x = Math.Min(sortedBaseline[i], sortedCurrent[j]);
            while (i < n && sortedBaseline[i] <= x)
            {
                i++;
            }

            while (j < m && sortedCurrent[j] <= x)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / n) - ((double)j / m)));
        }

        return d;
    }

    /// <summary>
    /// The Kolmogorov–Smirnov statistic over ordered bins: D = max_j |Σ_{i≤j} (b_i / N_b − c_i / N_c)|,
    /// unsmoothed; used for categorical paths, whose bins are in the report's order.
    /// </summary>
    /// <param name="baseline">Baseline count per bin.</param>
    /// <param name="current">Current count per bin.</param>
    /// <returns>D in [0, 1].</returns>
    /// <exception cref="ArgumentException">Different lengths, or a side with no counts.</exception>
    public static double KolmogorovSmirnovOverBins(IReadOnlyList<long> baseline, IReadOnlyList<long> current)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        if (baseline.Count != current.Count)
        {
            throw new ArgumentException($"current: {current.Count} bins against {baseline.Count} baseline bins.", nameof(current));
        }

        double n = Total(baseline, nameof(baseline)), m = Total(current, nameof(current));
        if (n == 0 || m == 0)
        {
            throw new ArgumentException("sample: both sides need at least one value.", nameof(current));
        }

        double cumulative = 0, d = 0;
        for (int i = 0; i < baseline.Count; i++)
        {
            cumulative += (baseline[i] / n) - (current[i] / m);
            d = Math.Max(d, Math.Abs(cumulative));
        }

        // Rounding can leave the last cumulative a hair off zero; D never exceeds 1.
        return Math.Min(1, d);
    }

    /// <summary>
    /// The cut points of quantile bins from a sorted baseline: for k = 1 … bins − 1 the value at
    /// 0-based index ⌊k·n / bins⌋, keeping each distinct cut once and only cuts above the minimum.
    /// A value v then falls in bin "number of cuts ≤ v", so the bins are (−∞, c₁), [c₁, c₂), …, [c_m, +∞).
    /// </summary>
    /// <param name="sortedBaseline">Baseline values, ascending, at least one.</param>
    /// <param name="bins">How many bins are wanted (at least 2); fewer result when values repeat.</param>
    /// <returns>The cuts, ascending and distinct.</returns>
    /// <exception cref="ArgumentException">The baseline is empty, or bins is below 2.</exception>
    public static double[] QuantileCuts(IReadOnlyList<double> sortedBaseline, int bins)
    {
        ArgumentNullException.ThrowIfNull(sortedBaseline);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        if (sortedBaseline.Count == 0)
        {
            throw new ArgumentException("baseline: no values to take quantiles of.", nameof(sortedBaseline));
        }

        int n = sortedBaseline.Count;
        var cuts = new List<double>(bins - 1);
        for (int k = 1; k < bins; k++)
        {
            double cut = sortedBaseline[(int)((long)k * n / bins)];
            if (cut > sortedBaseline[0] && (cuts.Count == 0 || cut > cuts[^1]))
            {
                cuts.Add(cut);
            }
        }

        return [.. cuts];
    }

    /// <summary>The bin of <paramref name="value"/> among quantile bins: the number of cuts at or below it.</summary>
    /// <param name="cuts">Cuts from <see cref="QuantileCuts"/>.</param>
    /// <param name="value">The value.</param>
    /// <returns>0 … cuts.Length.</returns>
    public static int BinOf(IReadOnlyList<double> cuts, double value)
    {
        ArgumentNullException.ThrowIfNull(cuts);
        int low = 0, high = cuts.Count;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (cuts[mid] <= value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private static long Total(IReadOnlyList<long> counts, string name)
    {
        long total = 0;
        foreach (long count in counts)
        {
            if (count < 0)
            {
                throw new ArgumentException($"{name}: a bin count is negative ({count}).", name);
            }

            total += count;
        }

        return total;
    }
}
