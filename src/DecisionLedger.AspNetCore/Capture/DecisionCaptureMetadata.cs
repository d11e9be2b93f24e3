namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// Endpoint metadata added by <c>RecordDecisions</c>: which model an endpoint serves and how its
/// decisions are captured. The most specific one (endpoint over group) wins.
/// </summary>
public sealed class DecisionCaptureMetadata
{
    /// <summary>Creates the metadata.</summary>
    /// <param name="modelName">The model's name, e.g. <c>fraud_detector</c>.</param>
    /// <param name="modelVersion">The model's version, e.g. <c>3.2.1</c>.</param>
    /// <param name="options">Capture options, already validated.</param>
    public DecisionCaptureMetadata(string modelName, string modelVersion, DecisionCaptureOptions options)
    {
        ModelName = modelName;
        ModelVersion = modelVersion;
        Options = options;
    }

    /// <summary>The model's name.</summary>
    public string ModelName { get; }

    /// <summary>The model's version.</summary>
    public string ModelVersion { get; }

    /// <summary>The capture options.</summary>
    public DecisionCaptureOptions Options { get; }
}
