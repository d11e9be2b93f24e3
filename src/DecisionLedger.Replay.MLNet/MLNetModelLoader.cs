using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace DecisionLedger.Replay.MLNet;

/// <summary>
/// Loads ML.NET model files (<c>.zip</c>, saved with <c>MLContext.Model.Save</c> and their input
/// schema) for replay. Scoring is driven by the loaded model's own input schema: each input column
/// is read from the stored input's member of the same name, so no model-specific type is needed.
/// </summary>
public sealed class MLNetModelLoader : IReplayModelLoader
{
    /// <inheritdoc />
    public IReplayModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var ml = new MLContext(seed: 0);

        // A saved model names its components; the catalog finds them only in assemblies it was told about.
        ml.ComponentCatalog.RegisterAssembly(typeof(FastTreeBinaryModelParameters).Assembly);
        ITransformer model;
        DataViewSchema inputSchema;
        try
        {
            model = ml.Model.Load(path, out inputSchema);
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException or System.IO.InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"{path} is not an ML.NET model saved with its input schema ({exception.Message}).", exception);
        }

        if (inputSchema is null || inputSchema.Count == 0)
        {
            throw new InvalidDataException($"{path} was saved without its input schema; save it with MLContext.Model.Save(model, data.Schema, path) so replay knows the input columns.");
        }

        return new MLNetReplayModel(ml, model, inputSchema);
    }
}
