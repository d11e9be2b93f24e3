using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FraudDetection.Training;

/// <summary>
/// Trains the FastTree fraud classifier on a generated dataset, appends the feature
/// contribution transformer (so every prediction carries its explanation), and saves the
/// whole chain to one .zip whose SHA-256 is the artifact digest.
/// </summary>
internal static class FraudModelTrainer
{
    /// <summary>The featurization's version, recorded with every decision.</summary>
    public const string PipelineVersion = "fraud-features-1";

    /// <summary>Trains, evaluates and saves the model.</summary>
    /// <param name="modelPath">Where to write the model .zip (its directory is created).</param>
    /// <param name="rows">Generated rows (≥ 100); 80 % train, 20 % test.</param>
    /// <param name="seed">Seed of the generator and of ML.NET.</param>
    /// <returns>The saved model's path, digest and held-out AUC.</returns>
    public static TrainedModel Train(string modelPath, int rows, int seed)
    {
        var ml = new MLContext(seed);
        IDataView data = ml.Data.LoadFromEnumerable(new TransactionGenerator(seed).Generate(rows));
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: seed);

        var featurize = ml.Transforms.Categorical.OneHotEncoding(FraudFeatures.MerchantCategory)
            .Append(ml.Transforms.Concatenate("Features", [.. FraudFeatures.All]));
        var featurizer = featurize.Fit(split.TrainSet);
        IDataView featurized = featurizer.Transform(split.TrainSet);

        var predictor = ml.BinaryClassification.Trainers.FastTree(
            numberOfLeaves: 16, numberOfTrees: 60, minimumExampleCountPerLeaf: 10, learningRate: 0.2).Fit(featurized);

        // Keep every slot's contribution (not only the top 10 each way), in the raw score's units.
        int slots = ((VectorDataViewType)featurized.Schema["Features"].Type).Size;
        var contributions = ml.Transforms.CalculateFeatureContribution(
            predictor, numberOfPositiveContributions: slots, numberOfNegativeContributions: slots, normalize: false)
            .Fit(predictor.Transform(featurized));

        var model = featurizer.Append(predictor).Append(contributions);
        double auc = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet)).AreaUnderRocCurve;

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
        ml.Model.Save(model, data.Schema, modelPath);
        return new TrainedModel(Path.GetFullPath(modelPath), DigestOf(modelPath), PipelineVersion, rows, auc);
    }

    /// <summary>The artifact digest of a file: <c>sha256:</c> and the lowercase hex SHA-256 of its bytes.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The digest string.</returns>
    public static string DigestOf(string path)
    {
        using FileStream file = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
