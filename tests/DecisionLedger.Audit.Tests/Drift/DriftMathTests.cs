using DecisionLedger.Drift;

namespace DecisionLedger.Tests.Drift;

/// <summary>PSI, KS and the quantile bins against values worked out by hand (docs/model-risk.md states the formulas).</summary>
public sealed class DriftMathTests
{
    [Fact]
    public void Psi_TwoBinsShifted_MatchesHandComputation()
    {
        // p = (50.5/101, 50.5/101) = (0.5, 0.5); q = (90.5/101, 10.5/101);
        // PSI = (q1 − p1)·ln(q1/p1) + (q2 − p2)·ln(q2/p2) = 0.396040·0.583376 + 0.396040·1.570600 = 0.853059…
        double psi = DriftMath.PopulationStabilityIndex([50, 50], [90, 10]);

        Assert.Equal(0.8530592449672882, psi, 12);
    }

    [Fact]
    public void Psi_EmptyBaselineBin_IsSmoothedAndFinite()
    {
        // p = (10.5, 0.5, 30.5)/41.5, q = (5.5, 5.5, 30.5)/41.5: the empty bin contributes a finite term.
        double psi = DriftMath.PopulationStabilityIndex([10, 0, 30], [5, 5, 30]);

        Assert.Equal(0.36680993225583414, psi, 12);
    }

    [Fact]
    public void Psi_SameShares_IsZero() =>
        Assert.Equal(0, DriftMath.PopulationStabilityIndex([3, 3], [300, 300]), 12);

    [Fact]
    public void Psi_DifferentBinCounts_Throws()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => DriftMath.PopulationStabilityIndex([1, 2], [1, 2, 3]));

        Assert.StartsWith("current:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ks_OverlappingSamples_IsTheLargestGapOfTheEmpiricalFunctions()
    {
        // F_b − F_c at 1, 2, 3, 4: .25, .5, .5, .5, then .25, 0: D = 0.5.
        Assert.Equal(0.5, DriftMath.KolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6]), 12);
    }

    [Fact]
    public void Ks_Ties_MoveBothFunctionsAtOnce()
    {
        // At 1: 2/3 against 1/3; at 2: 1 against 1. D = 1/3, not the 2/3 a one-sided step would give.
        Assert.Equal(1.0 / 3, DriftMath.KolmogorovSmirnov([1, 1, 2], [1, 2, 2]), 12);
    }

    [Fact]
    public void Ks_DisjointSamples_IsOne() =>
        Assert.Equal(1, DriftMath.KolmogorovSmirnov([1, 2], [3, 4]), 12);

    [Fact]
    public void KsOverBins_CumulativeShares_MatchHandComputation()
    {
        // Cumulative (b/N_b − c/N_c): .5 − 0 = .5, .75 − .5 = .25, 1 − 1 = 0: D = 0.5.
        Assert.Equal(0.5, DriftMath.KolmogorovSmirnovOverBins([2, 1, 1], [0, 2, 2]), 12);
    }

    [Fact]
    public void QuantileCuts_DistinctValues_GiveOneValuePerBin()
    {
        double[] cuts = DriftMath.QuantileCuts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10);

        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9, 10], cuts);
        Assert.Equal(0, DriftMath.BinOf(cuts, 1));
        Assert.Equal(1, DriftMath.BinOf(cuts, 2));
        Assert.Equal(1, DriftMath.BinOf(cuts, 2.5));
        Assert.Equal(9, DriftMath.BinOf(cuts, 10));
        Assert.Equal(9, DriftMath.BinOf(cuts, 1e9));
    }

    [Fact]
    public void QuantileCuts_RepeatedMinimum_DropsCutsThatWouldLeaveEmptyBins()
    {
        // Indices ⌊k·10/5⌋ = 2, 4, 6, 8 hold 1, 1, 3, 5; cuts at the minimum are dropped: [3, 5].
        double[] cuts = DriftMath.QuantileCuts([1, 1, 1, 1, 1, 2, 3, 4, 5, 6], 5);

        Assert.Equal([3, 5], cuts);
    }

    [Theory]
    [InlineData("1h", 60)]
    [InlineData("1d", 1440)]
    [InlineData("15m", 15)]
    public void WindowLength_Parses(string text, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), DriftWindowLength.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("1w")]
    [InlineData("-1h")]
    [InlineData("0h")]
    [InlineData("32d")]
    public void WindowLength_Bad_NamesTheOption(string text)
    {
        FormatException error = Assert.Throws<FormatException>(() => DriftWindowLength.Parse(text, "--window"));

        Assert.StartsWith("--window:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "not a field path")]
    [InlineData("input..amount", "not a field path")]
    [InlineData("input", "must start with")]
    [InlineData("seq.x", "must start with")]
    public void Path_Bad_NamesTheProblem(string path, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => DriftPath.Parse(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
