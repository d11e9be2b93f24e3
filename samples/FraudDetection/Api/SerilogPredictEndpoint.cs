using System.Diagnostics;
using FraudDetection.Scoring;
using Serilog;
using Serilog.Core;
using Serilog.Formatting.Compact;

namespace FraudDetection.Api;

/// <summary>
/// <c>POST /predict-serilog</c>: the same predictor as <c>/predict</c>, logging the same decision
/// (model, input, output, explanation, actor, subject, latency, trace) with Serilog instead of
/// recording it in the ledger: an async wrapper with <c>blockWhenFull: true</c> (nothing dropped)
/// over a buffered file sink with <c>CompactJsonFormatter</c>. No fsync, no hash chain, no proof:
/// what a team does without DecisionLedger, and the peer bench/wrk/compare-capture.sh measures it against.
/// </summary>
internal static class SerilogPredictEndpoint
{
    /// <summary>Maps the endpoint and a logger writing to <paramref name="path"/>, flushed when the app stops.</summary>
    /// <param name="app">The app.</param>
    /// <param name="options">The sample's settings.</param>
    /// <param name="path">The log file.</param>
    public static void MapSerilogPredictEndpoint(this WebApplication app, FraudDetectionOptions options, string path)
    {
        Logger logger = new LoggerConfiguration()
            .WriteTo.Async(a => a.File(new CompactJsonFormatter(), path, buffered: true), bufferSize: 10_000, blockWhenFull: true)
            .CreateLogger();
        app.Lifetime.ApplicationStopped.Register(logger.Dispose);

        app.MapPost("/predict-serilog", (TransactionRequest? request, FraudScorer scorer, HttpContext http) =>
        {
            long started = Stopwatch.GetTimestamp();
            if (!PredictEndpoints.TryScore(request, scorer, out FraudScore? score, out IResult? problem))
            {
                return problem;
            }

            var assessment = new FraudAssessment(score.IsFraud, score.Probability, score.Score);
            logger.Information("Decision {RequestId} {@Decision}", Guid.CreateVersion7(), new
            {
                Model = new { Name = PredictEndpoints.ModelName, Version = options.ModelVersion, scorer.Model.PipelineVersion, scorer.Model.ArtifactDigest },
                Input = request,
                Output = assessment,
                score.Explanation,
                Actor = new { UserId = http.Request.Headers["X-User"].ToString(), Tenant = http.Request.Headers["X-Tenant"].ToString() },
                Subject = new { Id = request!.CustomerId },
                LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                Metadata = new { Endpoint = "/predict-serilog", TraceParent = Activity.Current?.Id },
            });
            return Results.Ok(assessment);
        });
    }
}
