namespace FraudDetection.Training;

/// <summary>The model file written at start-up and what identifies it.</summary>
/// <param name="Path">The saved ML.NET model (.zip).</param>
/// <param name="ArtifactDigest">SHA-256 of that file, <c>sha256:&lt;lowercase hex&gt;</c>.</param>
/// <param name="PipelineVersion">The feature pipeline's version.</param>
/// <param name="TrainingRows">How many generated rows the model was trained on (80 %) and tested on (20 %).</param>
/// <param name="Auc">Area under the ROC curve on the held-out 20 %.</param>
internal sealed record TrainedModel(string Path, string ArtifactDigest, string PipelineVersion, int TrainingRows, double Auc);
