using System.Globalization;

namespace DecisionLedger.Drift;

/// <summary>
/// The bins of one path, fixed by the baseline: quantile bins for a numeric path, one bin per kept
/// baseline category plus "other" for a categorical one; and the counting of any sample into them.
/// </summary>
internal sealed class DriftBinning
{
    /// <summary>The label of the bin for values the baseline kept no category for.</summary>
    public const string OtherBin = "(other)";

    private readonly Dictionary<string, int> _categoryBins;
    private readonly double[] _sortedBaseline;

    private DriftBinning(string path, DriftPathKind kind, double[] cuts, string[] labels, double[] sortedBaseline, Dictionary<string, int> categoryBins)
    {
        Path = path;
        Kind = kind;
        Cuts = cuts;
        Labels = labels;
        _sortedBaseline = sortedBaseline;
        _categoryBins = categoryBins;
    }

    public string Path { get; }

    public DriftPathKind Kind { get; }

    public double[] Cuts { get; }

    public string[] Labels { get; }

    public DriftBaselinePath Baseline { get; private set; } = null!;

    /// <summary>Fixes the bins of <paramref name="path"/> from its baseline samples.</summary>
    public static DriftBinning Create(string path, PathSamples baseline, int bins, int maxCategories)
    {
        var noCategories = new Dictionary<string, int>(StringComparer.Ordinal);
        if (baseline.Numbers.Count == 0 && baseline.TextCount == 0)
        {
            var none = new DriftBinning(path, DriftPathKind.NoBaseline, [], [], [], noCategories);
            none.Baseline = new DriftBaselinePath(path, DriftPathKind.NoBaseline, [], [], [], 0, baseline.Missing);
            return none;
        }

        if (baseline.TextCount == 0)
        {
            double[] sorted = [.. baseline.Numbers];
            Array.Sort(sorted);
            double[] cuts = DriftMath.QuantileCuts(sorted, bins);
            var numeric = new DriftBinning(path, DriftPathKind.Numeric, cuts, NumericLabels(cuts), sorted, noCategories);
            numeric.Baseline = new DriftBaselinePath(path, DriftPathKind.Numeric, numeric.Labels, numeric.CountNumbers(sorted), cuts, sorted.Length, baseline.Missing);
            return numeric;
        }

        Dictionary<string, long> all = AllTexts(baseline);
        string[] kept = [.. all.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(maxCategories).Select(p => p.Key).Order(StringComparer.Ordinal)];
        var categoryBins = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < kept.Length; i++)
        {
            categoryBins[kept[i]] = i;
        }

        var categorical = new DriftBinning(path, DriftPathKind.Categorical, [], [.. kept, OtherBin], [], categoryBins);
        long[] counts = categorical.CountTexts(all);
        categorical.Baseline = new DriftBaselinePath(path, DriftPathKind.Categorical, categorical.Labels, counts, [], counts.Sum(), baseline.Missing);
        return categorical;
    }

    /// <summary>Compares a window's samples with the baseline.</summary>
    public DriftPathResult Compare(PathSamples window)
    {
        switch (Kind)
        {
            case DriftPathKind.Numeric:
            {
                double[] sorted = [.. window.Numbers];
                Array.Sort(sorted);

                // A text at a numeric path cannot be binned: it counts as missing.
                long missing = window.Missing + window.TextCount;
                if (sorted.Length == 0)
                {
                    return new DriftPathResult(Path, 0, missing, null, null, new long[Labels.Length]);
                }

                long[] counts = CountNumbers(sorted);
                return new DriftPathResult(Path, sorted.Length, missing, DriftMath.PopulationStabilityIndex(Baseline.Counts, counts), DriftMath.KolmogorovSmirnov(_sortedBaseline, sorted), counts);
            }

            case DriftPathKind.Categorical:
            {
                long[] counts = CountTexts(AllTexts(window));
                long values = counts.Sum();
                return values == 0
                    ? new DriftPathResult(Path, 0, window.Missing, null, null, counts)
                    : new DriftPathResult(Path, values, window.Missing, DriftMath.PopulationStabilityIndex(Baseline.Counts, counts), DriftMath.KolmogorovSmirnovOverBins(Baseline.Counts, counts), counts);
            }

            default:
                return new DriftPathResult(Path, window.Numbers.Count + window.TextCount, window.Missing, null, null, []);
        }
    }

    private long[] CountNumbers(double[] sorted)
    {
        var counts = new long[Cuts.Length + 1];
        foreach (double value in sorted)
        {
            counts[DriftMath.BinOf(Cuts, value)]++;
        }

        return counts;
    }

    private long[] CountTexts(Dictionary<string, long> texts)
    {
        var counts = new long[Labels.Length];
        foreach (KeyValuePair<string, long> pair in texts)
        {
            counts[_categoryBins.TryGetValue(pair.Key, out int bin) ? bin : Labels.Length - 1] += pair.Value;
        }

        return counts;
    }

    // At a categorical path a number is a category like any other, named by its shortest round-trip form.
    private static Dictionary<string, long> AllTexts(PathSamples samples)
    {
        var all = new Dictionary<string, long>(samples.Texts, StringComparer.Ordinal);
        foreach (double number in samples.Numbers)
        {
            string text = DriftPath.TextOf(number);
            all[text] = all.GetValueOrDefault(text) + 1;
        }

        return all;
    }

    private static string[] NumericLabels(double[] cuts)
    {
        if (cuts.Length == 0)
        {
            return ["all"];
        }

        var labels = new string[cuts.Length + 1];
        labels[0] = "< " + Text(cuts[0]);
        for (int i = 1; i < cuts.Length; i++)
        {
            labels[i] = $"[{Text(cuts[i - 1])}, {Text(cuts[i])})";
        }

        labels[^1] = "≥ " + Text(cuts[^1]);
        return labels;
    }

    private static string Text(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
