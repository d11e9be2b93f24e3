namespace FraudDetection.Training;

/// <summary>
/// Generates a synthetic, labelled transactions dataset from a fixed seed: the same seed gives
/// the same rows. Fraud follows a plausible rule (large amounts, risky merchant categories,
/// night hours, far from home, card not present, high velocity raise the odds) plus noise, so
/// the model has something real to learn and its explanations something real to show.
/// </summary>
internal sealed class TransactionGenerator(int seed)
{
    private static readonly string[] RiskyCategories = ["electronics", "jewelry", "online_gaming"];

    // A seeded Random on purpose: the dataset (and so the model) must be reproducible.
    private readonly Random _random = new(seed);

    /// <summary>Generates <paramref name="count"/> labelled transactions.</summary>
    /// <param name="count">How many rows; at least 100.</param>
    /// <returns>The rows.</returns>
    public List<TransactionRow> Generate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 100);
        var rows = new List<TransactionRow>(count);
        for (int i = 0; i < count; i++)
        {
            rows.Add(Next());
        }

        return rows;
    }

    private TransactionRow Next()
    {
        string category = FraudFeatures.MerchantCategories[_random.Next(FraudFeatures.MerchantCategories.Count)];
        float amount = (float)Math.Round(Math.Exp(3.5 + (1.3 * Normal())), 2);   // log-normal, median ~33
        float hour = _random.Next(24);
        float distance = (float)Math.Round(_random.NextDouble() < 0.8 ? 25 * _random.NextDouble() : 2_000 * _random.NextDouble(), 1);
        float cardPresent = _random.NextDouble() < 0.7 ? 1 : 0;
        float velocity = (float)Math.Min(12, Math.Floor(-Math.Log(1 - _random.NextDouble()) * 1.2));

        double logit = -5.0
            + (0.0025 * Math.Min(amount, 2_000))
            + (RiskyCategories.Contains(category) ? 1.4 : 0)
            + (hour < 6 ? 1.3 : 0)
            + (0.004 * Math.Min(distance, 500))
            + (cardPresent == 0 ? 1.6 : 0)
            + (0.55 * Math.Min(velocity, 8))
            + (0.6 * Normal());
        bool fraud = _random.NextDouble() < 1 / (1 + Math.Exp(-logit));

        // 0.3 % label noise: chargebacks filed in error and fraud never reported.
        if (_random.NextDouble() < 0.003)
        {
            fraud = !fraud;
        }

        return new TransactionRow
        {
            Amount = amount,
            MerchantCategory = category,
            Hour = hour,
            DistanceFromHomeKm = distance,
            CardPresent = cardPresent,
            TransactionsLastHour = velocity,
            IsFraud = fraud,
        };
    }

    private double Normal()
    {
        // Box–Muller: one standard normal from two uniforms.
        double u1 = 1 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
