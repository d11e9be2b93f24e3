using System.Security.Cryptography;
using FraudDetection.Scoring;
using FraudDetection.Training;

namespace FraudDetection.Tests;

public sealed class FraudModelTrainerTests
{
    [Fact]
    public void Generate_SameSeed_GivesTheSameRows_AndAnotherSeedDoesNot()
    {
        List<TransactionRow> first = new TransactionGenerator(42).Generate(500);
        List<TransactionRow> again = new TransactionGenerator(42).Generate(500);
        List<TransactionRow> other = new TransactionGenerator(43).Generate(500);

        Assert.Equal(first.Select(Describe), again.Select(Describe));
        Assert.NotEqual(first.Select(Describe), other.Select(Describe));
        double fraudRate = first.Count(static r => r.IsFraud) / (double)first.Count;
        Assert.InRange(fraudRate, 0.02, 0.5);
    }

    [Fact]
    public void Generate_FewerThan100Rows_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransactionGenerator(1).Generate(99));
    }

    [Fact]
    public void Train_SavesTheModel_WhoseDigestIsTheFileSha256_AndWhichLearnedTheRule()
    {
        string path = Path.Combine(Path.GetTempPath(), "dledger-fraud-" + Path.GetRandomFileName(), "model.zip");
        try
        {
            TrainedModel model = FraudModelTrainer.Train(path, rows: 2_000, seed: 7);

            Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), model.ArtifactDigest);
            Assert.InRange(model.Auc, 0.7, 1.0);
            var scorer = new FraudScorer(model);
            Assert.Contains("merchantCategory.jewelry", scorer.SlotNames);
            FraudScore risky = scorer.Score(Row(amount: 1_900, category: "jewelry", hour: 2, distance: 800, cardPresent: 0, velocity: 8));
            FraudScore ordinary = scorer.Score(Row(amount: 20, category: "grocery", hour: 14, distance: 1, cardPresent: 1, velocity: 0));
            Assert.True(risky.Probability > ordinary.Probability, $"risky {risky.Probability} should exceed ordinary {ordinary.Probability}");
            Assert.Equal(FraudFeatures.All.Order(), risky.Explanation.Attributions!.Keys.Order());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private static string Describe(TransactionRow r) =>
        $"{r.Amount}|{r.MerchantCategory}|{r.Hour}|{r.DistanceFromHomeKm}|{r.CardPresent}|{r.TransactionsLastHour}|{r.IsFraud}";

    private static TransactionRow Row(float amount, string category, float hour, float distance, float cardPresent, float velocity) => new()
    {
        Amount = amount,
        MerchantCategory = category,
        Hour = hour,
        DistanceFromHomeKm = distance,
        CardPresent = cardPresent,
        TransactionsLastHour = velocity,
    };
}
