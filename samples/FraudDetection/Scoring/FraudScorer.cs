using DecisionLedger.Decisions;
using FraudDetection.Training;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FraudDetection.Scoring;

/// <summary>
/// Scores transactions with the saved model — loaded back from the very file whose digest is
/// recorded — and turns the per-slot feature contributions into one attribution per feature.
/// Thread-safe: engines come from a pool.
/// </summary>
internal sealed class FraudScorer
{
    private readonly ObjectPool<PredictionEngine<TransactionRow, FraudPrediction>> _engines;

    // Feature index (into FraudFeatures.All) of each slot of the Features vector: the one-hot
    // merchant slots ("merchantCategory.grocery", …) all map to merchantCategory.
    private readonly int[] _featureOfSlot;

    /// <summary>Loads the model file and prepares the slot-to-feature map.</summary>
    /// <param name="model">The trained model.</param>
    /// <exception cref="InvalidOperationException">A slot of the model's Features vector names no known feature.</exception>
    public FraudScorer(TrainedModel model)
    {
        Model = model;
        var ml = new MLContext();
        ITransformer transformer = ml.Model.Load(model.Path, out DataViewSchema inputSchema);
        DataViewSchema output = transformer.GetOutputSchema(inputSchema);
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        output["Features"].GetSlotNames(ref slotNames);
        SlotNames = [.. slotNames.DenseValues().Select(static s => s.ToString())];
        _featureOfSlot = [.. SlotNames.Select(FeatureIndexOf)];
        _engines = new DefaultObjectPool<PredictionEngine<TransactionRow, FraudPrediction>>(
            new PredictionEnginePolicy(ml, transformer), Environment.ProcessorCount * 4);
    }

    /// <summary>The model being served.</summary>
    public TrainedModel Model { get; }

    /// <summary>The slot names of the model's <c>Features</c> vector, as saved in the model.</summary>
    public IReadOnlyList<string> SlotNames { get; }

    /// <summary>Scores one transaction.</summary>
    /// <param name="transaction">The transaction's features.</param>
    /// <returns>The verdict, probability, raw score and per-feature contributions.</returns>
    public FraudScore Score(TransactionRow transaction)
    {
        PredictionEngine<TransactionRow, FraudPrediction> engine = _engines.Get();
        FraudPrediction prediction;
        try
        {
            prediction = engine.Predict(transaction);
        }
        finally
        {
            _engines.Return(engine);
        }

        var byFeature = new double[FraudFeatures.All.Count];
        for (int slot = 0; slot < prediction.FeatureContributions.Length; slot++)
        {
            byFeature[_featureOfSlot[slot]] += prediction.FeatureContributions[slot];
        }

        var attributions = new Dictionary<string, double>(byFeature.Length);
        for (int i = 0; i < byFeature.Length; i++)
        {
            attributions[FraudFeatures.All[i]] = Math.Round(byFeature[i], 6);
        }

        return new FraudScore(
            prediction.IsFraud,
            Math.Round(prediction.Probability, 6),
            Math.Round(prediction.Score, 6),
            new Explanation
            {
                // No base value: for tree ensembles ML.NET's contribution of a feature is the change
                // in score had the opposite branch been taken at its splits, so the contributions
                // do not add up to the score and there is no baseline they are measured from.
                Method = "feature-contribution",
                Attributions = attributions,
            });
    }

    private static int FeatureIndexOf(string slotName)
    {
        int dot = slotName.IndexOf('.', StringComparison.Ordinal);
        string feature = dot < 0 ? slotName : slotName[..dot];
        int index = FraudFeatures.All.ToList().IndexOf(feature);
        return index >= 0
            ? index
            : throw new InvalidOperationException($"The model's Features slot '{slotName}' maps to no known feature ({string.Join(", ", FraudFeatures.All)}).");
    }
}
