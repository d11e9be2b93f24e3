using DecisionLedger.AspNetCore.Capture;
using FraudDetection.Scoring;
using FraudDetection.Training;

namespace FraudDetection.Api;

/// <summary>
/// <c>POST /predict</c>, recorded in the ledger, and <c>POST /predict-uncaptured</c>, the same
/// predictor with no capture (the baseline of bench/wrk/compare-capture.sh).
/// </summary>
internal static class PredictEndpoints
{
    /// <summary>The model name recorded with every decision.</summary>
    public const string ModelName = "fraud_detector";

    /// <summary>Maps both endpoints.</summary>
    /// <param name="app">The app.</param>
    /// <param name="options">The sample's settings.</param>
    public static void MapPredictEndpoints(this WebApplication app, FraudDetectionOptions options)
    {
        app.MapPost("/predict", (TransactionRequest? request, FraudScorer scorer, IDecisionContext decision) =>
        {
            if (!TryScore(request, scorer, out FraudScore? score, out IResult? problem))
            {
                return problem;
            }

            decision.Explanation = score.Explanation;
            decision.PipelineVersion = scorer.Model.PipelineVersion;
            decision.ArtifactDigest = scorer.Model.ArtifactDigest;
            return Results.Ok(new FraudAssessment(score.IsFraud, score.Probability, score.Score));
        }).RecordDecisions(ModelName, options.ModelVersion, o =>
        {
            o.UserHeader = "X-User";
            o.TenantHeader = "X-Tenant";
            o.OnLedgerFailure = options.OnLedgerFailure;
            o.Durability = options.CaptureDurability;
            o.SubjectSelector = static (_, input) =>
                input is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } body
                && body.TryGetProperty("customerId", out System.Text.Json.JsonElement id)
                && id.ValueKind == System.Text.Json.JsonValueKind.String ? id.GetString() : null;
        });

        app.MapPost("/predict-uncaptured", (TransactionRequest? request, FraudScorer scorer) =>
            TryScore(request, scorer, out FraudScore? score, out IResult? problem)
                ? Results.Ok(new FraudAssessment(score.IsFraud, score.Probability, score.Score))
                : problem);

        app.MapGet("/model", (FraudScorer scorer) => Results.Ok(new
        {
            name = ModelName,
            version = options.ModelVersion,
            scorer.Model.PipelineVersion,
            scorer.Model.ArtifactDigest,
            scorer.Model.TrainingRows,
            auc = Math.Round(scorer.Model.Auc, 4),
            features = FraudFeatures.All,
        }));
    }

    /// <summary>Validates and scores a request: the part every predict endpoint shares.</summary>
    internal static bool TryScore(
        TransactionRequest? request,
        FraudScorer scorer,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FraudScore? score,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out IResult? problem)
    {
        Dictionary<string, string[]> errors = TransactionRequestValidator.Validate(request, out TransactionRow? row);
        if (errors.Count > 0)
        {
            score = null;
            problem = Results.ValidationProblem(errors, title: "Invalid transaction");
            return false;
        }

        score = scorer.Score(row!);
        problem = null;
        return true;
    }
}
