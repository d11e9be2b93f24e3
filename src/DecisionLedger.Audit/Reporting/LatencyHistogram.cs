namespace DecisionLedger.Reporting;

/// <summary>
/// A streaming latency histogram with logarithmic buckets (the DDSketch layout): every quantile it
/// returns is within <see cref="RelativeError"/> (1%) of the true nearest-rank quantile, whatever
/// the distribution, in memory bounded by the value range rather than the count (at most ~1,750
/// buckets for latencies between 1 ns and 11 days, expressed in milliseconds).
/// </summary>
/// <remarks>
/// A value x &gt; 0 falls in bucket i = ⌈log_γ x⌉ with γ = (1 + α) / (1 − α), so γ^(i−1) &lt; x ≤ γ^i,
/// and the bucket answers 2γ^i / (γ + 1), which is within α·x of every value in it. The count, sum
/// (hence the mean) and maximum are exact. Values of zero or less (or below 1 ns) count as 0.
/// </remarks>
internal sealed class LatencyHistogram
{
    /// <summary>The largest relative error of a returned quantile (α = 0.01).</summary>
    public const double RelativeError = 0.01;

    private const double MinTracked = 1e-6;
    private static readonly double s_gamma = (1 + RelativeError) / (1 - RelativeError);
    private static readonly double s_logGamma = Math.Log(s_gamma);

    private readonly Dictionary<int, long> _buckets = [];
    private long _zeros;
    private double _sum;

    /// <summary>How many values were added.</summary>
    public long Count { get; private set; }

    /// <summary>The exact largest value added; 0 when empty.</summary>
    public double Max { get; private set; }

    /// <summary>The exact mean; 0 when empty.</summary>
    public double Mean => Count == 0 ? 0 : _sum / Count;

    /// <summary>Adds one latency in milliseconds; NaN and infinities are ignored.</summary>
    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        Count++;
        if (value < MinTracked)
        {
            _zeros++;
            return;
        }

        _sum += value;
        Max = Math.Max(Max, value);
        int index = (int)Math.Ceiling(Math.Log(value) / s_logGamma);
        _buckets[index] = _buckets.GetValueOrDefault(index) + 1;
    }

    /// <summary>
    /// The nearest-rank <paramref name="quantile"/> (the value of rank ⌈q·n⌉), within
    /// <see cref="RelativeError"/>; 0 when empty.
    /// </summary>
    /// <param name="quantile">Between 0 and 1.</param>
    public double Quantile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        if (rank <= _zeros)
        {
            return 0;
        }

        long seen = _zeros;
        foreach (int index in _buckets.Keys.Order())
        {
            seen += _buckets[index];
            if (seen >= rank)
            {
                // Clamped to the exact maximum, which can only bring the answer closer.
                return Math.Min(Max, 2 * Math.Pow(s_gamma, index) / (s_gamma + 1));
            }
        }

        return Max;
    }
}
