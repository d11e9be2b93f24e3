using FraudDetection.Api;
using FraudDetection.Scoring;
using FraudDetection.Training;

namespace FraudDetection;

/// <summary>Builds the sample: trains and saves the model, then serves it with automatic audit.</summary>
internal static class FraudDetectionApp
{
    /// <summary>Trains the model and builds the web app (not started).</summary>
    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--Ledger</c>, <c>--TrainingRows</c>, …).</param>
    /// <returns>The app, ready to start.</returns>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public static WebApplication Build(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        var options = new FraudDetectionOptions();
        FraudDetectionOptions.CheckChoices(builder.Configuration);
        builder.Configuration.Bind(options);
        options.Validate();

        // Train before the server starts: the first request is scored by the finished model.
        TrainedModel model = FraudModelTrainer.Train(options.ModelPath, options.TrainingRows, options.Seed);
        var scorer = new FraudScorer(model);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(scorer);
        builder.Services.AddDecisionLedger(o => o.Origin = "fraud.example/detector")
            .UseSqlite(options.Ledger)
            .AddEndpointCapture();

        WebApplication app = builder.Build();
        app.Logger.LogInformation(
            "Model trained on {Rows} generated rows (AUC {Auc:F3}), saved to {Path}, artifact digest {Digest}",
            model.TrainingRows, model.Auc, model.Path, model.ArtifactDigest);
        app.MapPredictEndpoints(options);
        if (!string.IsNullOrWhiteSpace(options.SerilogDecisionLog))
        {
            app.MapSerilogPredictEndpoint(options, options.SerilogDecisionLog);
        }

        return app;
    }
}
