using FraudDetection.Training;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace FraudDetection.Scoring;

/// <summary>
/// Creates prediction engines for an <see cref="ObjectPool{T}"/>: a <see cref="PredictionEngine{TSrc, TDst}"/>
/// is not thread-safe, but creating one per request costs far more than the prediction.
/// (Microsoft.Extensions.ML's PredictionEnginePool does the same; it is not on the package mirror.)
/// </summary>
internal sealed class PredictionEnginePolicy(MLContext ml, ITransformer model)
    : PooledObjectPolicy<PredictionEngine<TransactionRow, FraudPrediction>>
{
    /// <inheritdoc />
    public override PredictionEngine<TransactionRow, FraudPrediction> Create() =>
        ml.Model.CreatePredictionEngine<TransactionRow, FraudPrediction>(model);

    /// <inheritdoc />
    public override bool Return(PredictionEngine<TransactionRow, FraudPrediction> obj) => true;
}
