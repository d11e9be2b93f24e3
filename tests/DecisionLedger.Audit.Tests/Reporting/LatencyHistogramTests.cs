using DecisionLedger.Reporting;

namespace DecisionLedger.Tests.Reporting;

public sealed class LatencyHistogramTests
{
    public static TheoryData<string> Distributions() => ["lognormal", "uniform-wide", "bimodal", "constant"];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Quantile_AnyDistribution_WithinOnePercentOfExactNearestRank(string distribution)
    {
        var random = new Random(42);
        double[] values = Enumerable.Range(0, 20_000).Select(_ => Sample(distribution, random)).ToArray();
        var histogram = new LatencyHistogram();
        foreach (double value in values)
        {
            histogram.Add(value);
        }

        double[] sorted = values.Order().ToArray();
        foreach (double q in new[] { 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0 })
        {
            double exact = sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)];
            double estimate = histogram.Quantile(q);
            Assert.True(Math.Abs(estimate - exact) <= LatencyHistogram.RelativeError * exact, $"{distribution} q={q}: estimate {estimate}, exact {exact}");
        }

        Assert.Equal(sorted[^1], histogram.Max);
        Assert.Equal(values.Average(), histogram.Mean, 6);
        Assert.Equal(values.Length, histogram.Count);
    }

    [Fact]
    public void Quantile_Empty_IsZero()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.Quantile(0.5));
        Assert.Equal(0, histogram.Mean);
        Assert.Equal(0, histogram.Max);
    }

    [Fact]
    public void Quantile_ZerosAndNonFinite_ZerosCountAndNonFiniteAreIgnored()
    {
        var histogram = new LatencyHistogram();
        histogram.Add(0);
        histogram.Add(0);
        histogram.Add(double.NaN);
        histogram.Add(double.PositiveInfinity);
        histogram.Add(10);

        Assert.Equal(3, histogram.Count);
        Assert.Equal(0, histogram.Quantile(0.5));
        Assert.Equal(10, histogram.Quantile(1.0), 6);
    }

    [Fact]
    public void Quantile_OutOfRange_Throws()
    {
        var histogram = new LatencyHistogram();

        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Quantile(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Quantile(-0.1));
    }

    private static double Sample(string distribution, Random random) => distribution switch
    {
        // Box-Muller: latencies around 20 ms with a long tail.
        "lognormal" => Math.Exp(3 + (0.8 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))),
        "uniform-wide" => Math.Pow(10, -3 + (9 * random.NextDouble())),
        "bimodal" => random.NextDouble() < 0.9 ? 5 + random.NextDouble() : 2000 + (500 * random.NextDouble()),
        _ => 23.5,
    };
}
